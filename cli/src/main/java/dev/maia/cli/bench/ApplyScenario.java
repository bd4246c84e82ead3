package dev.maia.cli.bench;

import dev.maia.schemas.wal.WalTopics;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The apply part: entries applied per second when a MAIA process starts on a backlog, against
 * ConsumerPerformance reading the same topic from the beginning. ConsumerPerformance goes first, while
 * the process is still stopped, so that neither competes with the other.
 */
record ApplyScenario(BenchStack stack, LibraryWriteScenario.Backlog backlog) {
    void run(BenchReport report) throws Exception {
        Progress progress = stack.progress();
        String region = backlog.region();
        String tenant = backlog.tenant();
        long records = backlog.entries();
        String bootstrapServers = stack.region(region).bootstrapServers();
        progress.say("apply: ConsumerPerformance reading %s from the beginning (%d records) ...", WalTopics.wal(tenant), records);
        KafkaPerfTools.ConsumerResult cp = stack.perfTools().consumerPerformance(bootstrapServers, WalTopics.wal(tenant),
                records, "bench-consumer-performance");
        progress.say("  %s", cp.line());
        progress.say("apply: starting %s's MAIA process; it applies the %d entries of its backlog ...", region, records);
        stack.listener().reset(region, tenant);
        long start = System.nanoTime();
        stack.nodes().startRegion(region);
        long running = System.nanoTime();
        stack.awaitApplied(region, tenant, records);
        BenchListener.Applied a = stack.listener().applied(region, tenant);
        double applyRate = a.count() / a.spanSeconds();
        double ratio = applyRate / cp.fetchRecordsPerSecond();
        Map<String, Object> apply = new LinkedHashMap<>();
        Map<String, Object> ours = new LinkedHashMap<>();
        ours.put("records", a.count());
        ours.put("seconds", BenchReport.round(a.spanSeconds(), 3));
        ours.put("records_per_second", BenchReport.round(applyRate, 1));
        ours.put("seconds_to_running", BenchReport.round((running - start) / 1e9, 3));
        ours.put("seconds_from_start", BenchReport.round((a.lastNanos - start) / 1e9, 3));
        apply.put("maia", ours);
        apply.put("kafka", cp.toJson());
        apply.put("ratio", BenchReport.round(ratio, 3));
        apply.put("target", ">= 0.5");
        apply.put("met", ratio >= 0.5);
        report.section("apply", apply);
        report.row("apply", "entries applied/s", BenchReport.num(applyRate), BenchReport.num(cp.fetchRecordsPerSecond()),
                ratio, ">= 0.5x", ratio >= 0.5);
        report.row("apply", "seconds incl. start (join)", BenchReport.num((a.lastNanos - start) / 1e9),
                BenchReport.num((cp.rebalanceMs() + cp.fetchMs()) / 1000.0), null, null, null);
        report.target("apply entries/s vs ConsumerPerformance", BenchReport.round(applyRate, 1), cp.fetchRecordsPerSecond(),
                ratio, ">= 0.5", ratio >= 0.5);
        progress.say("  applied %d in %.2f s (%.0f/s) after %.1f s to start", a.count(), a.spanSeconds(), applyRate, (running - start) / 1e9);
    }
}
