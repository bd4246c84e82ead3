package dev.maia.cli.bench;

import dev.maia.apply.ApplyConfig;
import dev.maia.cli.MaiaClient;
import dev.maia.schemas.wal.WalTopics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.maia.cli.bench.BenchStack.PRIMARY;
import static dev.maia.cli.bench.BenchStack.REGIONS;
import static dev.maia.cli.bench.BenchStack.T_WAL;

/**
 * The WAL-disk part (issue 9, item 7): a steady load of updates of a few resources of a global tenant,
 * and the disk its log (us-west) and mirrored copies (eu-central, ap-tokyo) take, sampled with
 * {@code describeLogDirs}. With the WAL lifecycle on (the default), the log is compacted below what every
 * region applied and the copies truncated below what their region applied; with {@code --wal-truncation off}
 * the regions run with {@code wal_truncate_interval_ms: 0}, which keeps everything, as the logs did before
 * the lifecycle (Kafka's 7-day default retention removes nothing in a run of minutes).
 *
 * <p>The tenant's log rolls a segment every {@link #SEGMENT_MS} ms, because Kafka compacts only closed
 * segments and its default segment (1 GB or 7 days) would not close in a bench; the cleaner's dirty ratio
 * stays at its default (0.5).
 */
record WalDiskScenario(BenchStack stack, double seconds, double rate, int resources, boolean truncation, int contentSize) {
    static final long SEGMENT_MS = 10_000;
    private static final long SAMPLE_MS = 10_000;

    void run(BenchReport report) throws Exception {
        Progress progress = stack.progress();
        if (!truncation) {
            progress.say("wal: restarting the regions with %s: 0 (the lifecycle off) ...", ApplyConfig.WAL_TRUNCATE_INTERVAL_MS);
            for (String region : REGIONS) {
                stack.nodes().stopRegion(region);
                stack.nodes().startRegion(region, stack.nodes().config(region).with(Map.of(ApplyConfig.WAL_TRUNCATE_INTERVAL_MS, 0L)));
            }
        }
        MaiaClient client = stack.client();
        String key = stack.keys().get(T_WAL);
        String base = stack.endpoint(PRIMARY) + "/v1/memories";
        String filler = "x".repeat(Math.max(0, contentSize - 16));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < resources; i++) {
            String id = "wal-" + i;
            MaiaClient.Reply r = client.send("POST", base, key, "{\"id\":\"" + id + "\",\"namespace\":\"n\",\"content\":\"0 " + filler + "\"}");
            require(r.status() == 201, "creating " + id + " answered " + r.status() + ": " + r.body());
            ids.add(id);
        }
        String log = WalTopics.wal(T_WAL);
        String copy = PRIMARY + "." + log;
        rollOften(PRIMARY, log);
        progress.say("wal: %d resources of %s, %.0f updates/s for %.0f s, lifecycle %s; disk sampled every %d s ...",
                resources, T_WAL, rate, seconds, truncation ? "on" : "off", SAMPLE_MS / 1000);

        List<Map<String, Object>> samples = new ArrayList<>();
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        long nextSample = start;
        long writes = 0;
        long written = 0;
        while (System.nanoTime() < end) {
            long now = System.nanoTime();
            if (now >= nextSample) {
                samples.add(sample(now - start, writes, log, copy));
                nextSample += SAMPLE_MS * 1_000_000;
            }
            long due = start + (long) (writes / rate * 1e9);
            if (due > now) {
                Thread.sleep(Math.max(0, (due - now) / 1_000_000));
                continue;
            }
            String id = ids.get((int) (writes % resources));
            String body = "{\"content\":\"" + (writes + 1) + " " + filler + "\"}";
            MaiaClient.Reply r = client.send("PUT", base + "/" + id, key, body);
            require(r.status() == 200, "updating " + id + " answered " + r.status() + ": " + r.body());
            writes++;
            written += body.length();
        }
        samples.add(sample(System.nanoTime() - start, writes, log, copy));
        String last = ids.get((int) ((writes - 1) % resources));
        String expected = writes + " ";
        for (String region : REGIONS) {
            awaitContent(client, stack.endpoint(region) + "/v1/memories/" + last, key, expected, region);
        }

        Map<String, Object> w = new LinkedHashMap<>();
        w.put("lifecycle", truncation ? "on" : "off");
        w.put("resources", resources);
        w.put("updates", writes);
        w.put("updates_per_second", BenchReport.round(writes / ((System.nanoTime() - start) / 1e9), 1));
        w.put("segment_ms", SEGMENT_MS);
        w.put("samples", samples);
        w.put("latest_version_read_in", REGIONS);
        report.section("wal", w);
        Map<String, Object> lastSample = samples.get(samples.size() - 1);
        for (String region : REGIONS) {
            long max = samples.stream().mapToLong(s -> (Long) s.get(region)).max().orElse(0);
            report.row("wal", String.format("%s %s bytes, end (max), %s", region, region.equals(PRIMARY) ? "log" : "copy",
                    truncation ? "on" : "off"),
                    String.format("%d (%d)", (Long) lastSample.get(region), max), null, null, null, null);
        }
    }

    /** Bytes of the tenant's log in us-west and of its copy in every other region, at {@code elapsed}. */
    private Map<String, Object> sample(long elapsedNanos, long writes, String log, String copy) throws Exception {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("seconds", BenchReport.round(elapsedNanos / 1e9, 1));
        s.put("updates", writes);
        StringBuilder line = new StringBuilder();
        for (String region : REGIONS) {
            long bytes = bytes(region, region.equals(PRIMARY) ? log : copy);
            s.put(region, bytes);
            line.append(String.format("  %s %,d", region, bytes));
        }
        stack.progress().say("  %5.0f s %,8d updates%s", elapsedNanos / 1e9, writes, line);
        return s;
    }

    private long bytes(String region, String topic) throws Exception {
        try (Admin admin = admin(region)) {
            List<Integer> brokers = admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).stream().map(Node::id).toList();
            // Every replica of every partition, as the region's maia_wal_log_bytes counts it.
            return admin.describeLogDirs(brokers).allDescriptions().get(10, TimeUnit.SECONDS).values().stream()
                    .flatMap(dirs -> dirs.values().stream())
                    .flatMap(dir -> dir.replicaInfos().entrySet().stream())
                    .filter(e -> e.getKey().topic().equals(topic))
                    .mapToLong(e -> e.getValue().size()).sum();
        }
    }

    private void rollOften(String region, String topic) throws Exception {
        try (Admin admin = admin(region)) {
            ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            admin.incrementalAlterConfigs(Map.of(r, List.of(new AlterConfigOp(
                    new ConfigEntry(TopicConfig.SEGMENT_MS_CONFIG, Long.toString(SEGMENT_MS)), AlterConfigOp.OpType.SET))))
                    .all().get(10, TimeUnit.SECONDS);
        }
    }

    private Admin admin(String region) {
        return Admin.create(stack.kafkaClient(stack.region(region)));
    }

    private static void awaitContent(MaiaClient client, String url, String key, String prefix, String region) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            MaiaClient.Reply r = client.send("GET", url, key, null);
            if (r.status() == 200 && r.body().get("content").asText().startsWith(prefix)) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(region + " did not read the latest version of " + url + " within 120 s");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalStateException(message);
        }
    }
}
