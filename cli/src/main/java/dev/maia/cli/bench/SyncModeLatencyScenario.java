package dev.maia.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maia.cli.MaiaClient;
import dev.maia.cli.produce.HttpProduceSink;
import dev.maia.cli.produce.ProduceStats;

import java.util.LinkedHashMap;
import java.util.Map;

import static dev.maia.cli.bench.BenchStack.PRIMARY;
import static dev.maia.cli.bench.BenchStack.REGIONS;
import static dev.maia.cli.bench.BenchStack.SYNC_MODES;
import static dev.maia.cli.bench.BenchStack.syncTenant;

/**
 * The sync part: HTTP write latency for a global tenant placed with each sync mode, at a low steady rate.
 * Needs the placement API to keep {@code sync_mode}: if it refuses or ignores the field, the part says
 * "not available" instead of measuring async three times.
 */
record SyncModeLatencyScenario(BenchStack stack, int writes, double rate, int contentSize) {
    /** Writes per mode before the measured ones, so that every region has the tenant before any write is timed. */
    private static final int WARMUP_WRITES = 20;
    private static final double WARMUP_RATE = 20;

    void run(BenchReport report) throws Exception {
        Progress progress = stack.progress();
        Map<String, Object> sync = new LinkedHashMap<>();
        String unavailable = placeEachMode();
        if (unavailable != null) {
            sync.put("available", false);
            sync.put("reason", unavailable);
            report.section("sync", sync);
            report.row("sync", "write latency per sync mode", "not available", null, null, null, null);
            progress.say("sync: not available: %s", unavailable);
            return;
        }
        sync.put("available", true);
        Map<String, Object> modes = new LinkedHashMap<>();
        for (String mode : SYNC_MODES) {
            modes.put(mode, measure(mode, report));
        }
        sync.put("modes", modes);
        report.section("sync", sync);
    }

    /** Places each mode's tenant; returns why sync modes are not available, or null if they are. */
    private String placeEachMode() throws Exception {
        for (String mode : SYNC_MODES) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("sync_mode", mode);
            body.put("min_sync_replicas", 1);
            MaiaClient.Reply r = stack.placeReply(syncTenant(mode), "global", body);
            JsonNode kept = r.body() == null ? null : r.body().get("sync_mode");
            if (r.status() != 200) {
                return "placing a tenant with sync_mode " + mode + " answered " + r.status() + ": " + r.body();
            }
            if (kept == null || !mode.equals(kept.asText())) {
                return "the placement API does not keep sync_mode (asked " + mode + ", placement is " + r.body() + ")";
            }
        }
        return null;
    }

    private Map<String, Object> measure(String mode, BenchReport report) throws Exception {
        Progress progress = stack.progress();
        String tenant = syncTenant(mode);
        String endpoint = stack.endpoint(PRIMARY);
        progress.say("sync: %s, warm-up then %d HTTP writes at %.0f/s ...", mode, writes, rate);
        try (HttpProduceSink warm = new HttpProduceSink(endpoint, stack.keys(), 4)) {
            BenchWrites.writeAll(warm, new BenchMemories(WARMUP_WRITES, contentSize, tenant, false), WARMUP_RATE, "sync warm-up " + mode);
        }
        for (String region : REGIONS) {
            stack.awaitApplied(region, tenant, WARMUP_WRITES);
        }
        ProduceStats stats;
        try (HttpProduceSink sink = new HttpProduceSink(endpoint, stack.keys(), 64)) {
            // Errors are counted, not fatal: a sync mode that fails writes is a result.
            stats = BenchWrites.write(sink, new BenchMemories(writes, contentSize, tenant, false), rate);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("writes", stats.written());
        m.put("errors", stats.errors());
        m.put("latency_ms", stats.latencyMillis());
        Map<String, Double> lat = stats.latencyMillis();
        report.row("sync", mode + " write p50 / p99 ms", BenchReport.num(lat.getOrDefault("p50", 0.0)) + " / "
                + BenchReport.num(lat.getOrDefault("p99", 0.0)), null, null, null, null);
        progress.say("  %s: p50 %.1f ms, p99 %.1f ms, %d errors", mode, lat.getOrDefault("p50", 0.0), lat.getOrDefault("p99", 0.0), stats.errors());
        return m;
    }
}
