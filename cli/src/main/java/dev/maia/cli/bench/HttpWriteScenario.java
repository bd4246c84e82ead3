package dev.maia.cli.bench;

import dev.maia.cli.produce.HttpProduceSink;
import dev.maia.cli.produce.ProduceStats;

import java.util.LinkedHashMap;
import java.util.Map;

import static dev.maia.cli.bench.BenchStack.PRIMARY;
import static dev.maia.cli.bench.BenchStack.T_HTTP;

/**
 * The producer part's HTTP side: {@code POST /v1/memories} to us-west, as many in flight as asked, as fast
 * as they are answered. Runs after the apply part (us-west's process is up again) and joins the producer
 * section, next to ProducerPerformance's rate where the library side measured one.
 */
record HttpWriteScenario(BenchStack stack, long writes, int concurrency, int contentSize) {
    void run(BenchReport report) throws Exception {
        Progress progress = stack.progress();
        progress.say("producer: HTTP POST /v1/memories to %s, %d writes, %d in flight ...", PRIMARY, writes, concurrency);
        ProduceStats stats;
        try (HttpProduceSink sink = new HttpProduceSink(stack.endpoint(PRIMARY), stack.keys(), concurrency)) {
            stats = BenchWrites.write(sink, new BenchMemories(writes, contentSize, T_HTTP, false), 0);
        }
        BenchWrites.requireNoErrors(stats, "HTTP writes");
        Map<String, Object> ours = new LinkedHashMap<>();
        ours.put("records", stats.written());
        ours.put("seconds", BenchReport.round(stats.seconds(), 3));
        ours.put("records_per_second", BenchReport.round(stats.recordsPerSecond(), 1));
        ours.put("latency_ms", stats.latencyMillis());
        ours.put("concurrency", concurrency);
        @SuppressWarnings("unchecked")
        Map<String, Object> producer = (Map<String, Object>) report.toJson().getOrDefault("producer", new LinkedHashMap<>());
        producer.put("http", ours);
        report.section("producer", producer);
        Object pp = producer.get("kafka");
        Double kafkaRate = pp instanceof Map<?, ?> m ? (Double) m.get("records_per_second") : null;
        report.row("producer", "HTTP records/s", BenchReport.num(stats.recordsPerSecond()),
                kafkaRate == null ? null : BenchReport.num(kafkaRate), kafkaRate == null ? null : stats.recordsPerSecond() / kafkaRate,
                null, null);
        report.row("producer", "HTTP latency p50 / p99 ms", BenchReport.num(stats.latencyMillis().getOrDefault("p50", 0.0)) + " / "
                + BenchReport.num(stats.latencyMillis().getOrDefault("p99", 0.0)), null, null, null, null);
        progress.say("  %d writes in %.2f s: %.0f records/s", stats.written(), stats.seconds(), stats.recordsPerSecond());
    }
}
