package dev.maia.cli.bench;

import dev.maia.cli.produce.KafkaProduceSink;
import dev.maia.cli.produce.ProduceStats;
import dev.maia.schemas.topology.RegionSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.maia.cli.bench.BenchStack.PRIMARY;
import static dev.maia.cli.bench.BenchStack.T_PRODUCE;

/**
 * The producer part's library side: WAL appends with the producer library (as {@code maia produce --via kafka})
 * against ProducerPerformance, same record size, same producer settings, same cluster.
 * <p>
 * us-west's MAIA process is stopped for both producer runs, so that its apply does not compete with either
 * producer for the two cores. The library's appends then stay in its log unapplied: they are the apply
 * part's {@link Backlog}, which is why they are written even when only the apply part runs.
 */
record LibraryWriteScenario(BenchStack stack, long records, int contentSize, int valueSize) {
    static final String PERF_TOPIC = "bench.producer-performance";
    static final int PARTITIONS = 3;

    /** Entries in a region's log that its stopped MAIA process has not applied yet. */
    record Backlog(String region, String tenant, long entries) {
    }

    /** The producer settings of WalAppender, given to ProducerPerformance so both run the same client config. */
    static Map<String, String> producerProps() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("acks", "all");
        p.put("enable.idempotence", "true");
        p.put("linger.ms", "1");
        p.put("delivery.timeout.ms", "30000");
        p.put("request.timeout.ms", "10000");
        p.put("client.id", "bench-producer-performance");
        return p;
    }

    /**
     * Stops us-west's process and writes the backlog; with {@code againstKafka}, runs ProducerPerformance
     * first and reports both. The process stays stopped: whoever takes the backlog starts it again.
     */
    Backlog run(boolean againstKafka, BenchReport report) throws Exception {
        Progress progress = stack.progress();
        RegionSpec primary = stack.region(PRIMARY);
        progress.say("producer: stopping %s's MAIA process (its apply would compete with the producers; its backlog is the apply part's)", PRIMARY);
        stack.nodes().stopRegion(PRIMARY);
        KafkaPerfTools.ProducerResult pp = null;
        if (againstKafka) {
            createTopic(stack.kafkaClient(primary), PERF_TOPIC, PARTITIONS);
            progress.say("producer: ProducerPerformance, %d records of %d B to %s ...", records, valueSize, PERF_TOPIC);
            pp = stack.perfTools().producerPerformance(primary.bootstrapServers(), PERF_TOPIC, records, valueSize, producerProps());
            progress.say("  %s", pp.line());
        }
        progress.say("producer: MAIA producer library (maia produce --via kafka), %d WAL entries of %d B ...", records, valueSize);
        ProduceStats lib;
        try (KafkaProduceSink sink = stack.kafkaSink(primary)) {
            sink.requireWritable(List.of(T_PRODUCE), Duration.ofSeconds(30));
            lib = BenchWrites.write(sink, new BenchMemories(records, contentSize, T_PRODUCE, false), 0);
        }
        BenchWrites.requireNoErrors(lib, "producer library");
        progress.say("  %d records in %.2f s: %.0f records/s", lib.written(), lib.seconds(), lib.recordsPerSecond());
        if (pp != null) {
            report(lib, pp, report);
        }
        return new Backlog(PRIMARY, T_PRODUCE, records);
    }

    private void report(ProduceStats lib, KafkaPerfTools.ProducerResult pp, BenchReport report) {
        Map<String, Object> producer = new LinkedHashMap<>();
        Map<String, Object> ours = libraryJson(lib);
        producer.put("library", ours);
        producer.put("kafka", pp.toJson());
        double ratio = lib.recordsPerSecond() / pp.recordsPerSecond();
        producer.put("ratio", BenchReport.round(ratio, 3));
        producer.put("target", ">= 0.85");
        producer.put("met", ratio >= 0.85);
        report.section("producer", producer);
        report.row("producer", "library records/s", BenchReport.num(lib.recordsPerSecond()), BenchReport.num(pp.recordsPerSecond()),
                ratio, ">= 0.85x", ratio >= 0.85);
        report.row("producer", "library MB/s", BenchReport.num((double) ours.get("mb_per_second")), BenchReport.num(pp.mbPerSecond()),
                (double) ours.get("mb_per_second") / pp.mbPerSecond(), null, null);
        Map<String, Double> lat = lib.latencyMillis();
        report.row("producer", "library ack latency p99 ms", BenchReport.num(lat.getOrDefault("p99", 0.0)), BenchReport.num(pp.p99Ms()),
                null, null, null);
        report.target("producer library records/s vs ProducerPerformance", BenchReport.round(lib.recordsPerSecond(), 1),
                pp.recordsPerSecond(), ratio, ">= 0.85", ratio >= 0.85);
    }

    private Map<String, Object> libraryJson(ProduceStats lib) {
        Map<String, Object> ours = new LinkedHashMap<>();
        ours.put("path", "WalAppender via KafkaProduceSink (maia produce --via kafka)");
        ours.put("records", lib.written());
        ours.put("seconds", BenchReport.round(lib.seconds(), 3));
        ours.put("records_per_second", BenchReport.round(lib.recordsPerSecond(), 1));
        ours.put("mb_per_second", BenchReport.round(lib.recordsPerSecond() * valueSize / (1024.0 * 1024.0), 2));
        ours.put("latency_ms", lib.latencyMillis());
        return ours;
    }

    private static void createTopic(Map<String, Object> client, String topic, int partitions) throws Exception {
        try (Admin admin = Admin.create(client)) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
    }
}
