package dev.maia.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maia.cli.MaiaClient;
import dev.maia.cli.RegionNodes;
import dev.maia.cli.Teardown;
import dev.maia.cli.produce.HttpProduceSink;
import dev.maia.cli.produce.KafkaProduceSink;
import dev.maia.cli.produce.ProduceInput;
import dev.maia.cli.produce.ProduceRun;
import dev.maia.cli.produce.ProduceSink;
import dev.maia.cli.produce.ProduceStats;
import dev.maia.cli.produce.RatePacer;
import dev.maia.localcluster.LocalRegions;
import dev.maia.cli.server.ApiKeyring;
import dev.maia.schemas.http.Json;
import dev.maia.schemas.topology.RegionSpec;
import dev.maia.schemas.wal.WalTopics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code maia bench}: MAIA's write, apply and replication paths against Kafka's own perf tools, on the
 * same three local regions in the same run, side by side. It starts its own clusters, MirrorMaker 2 and
 * MAIA processes (as {@code maia demo} does), runs the parts asked for, prints a table or JSON, and always
 * tears everything down. Benchmarks, not tests: nothing here asserts a time; targets are reported.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Benchmark MAIA against Kafka's perf tools on three local regions (real KRaft clusters, MirrorMaker 2), side by side:",
                "  producer  WAL appends with the producer library (as `maia produce --via kafka`) and HTTP writes vs ProducerPerformance (same size, acks=all, idempotent)",
                "  apply     entries applied per second from a backlog vs ConsumerPerformance on the same topic",
                "  lag       write acknowledged in us-west to readable in eu-central at --rate, vs the raw MirrorMaker 2 record latency of the same writes",
                "  sync      HTTP write latency per sync mode (if the placement API has sync modes)",
                "  catchup   eu-central misses N entries (its process stopped), then applies them: time to catch up"})
public final class BenchCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(BenchCommand.class);

    static final String PRIMARY = "us-west";
    static final String FOLLOWER = "eu-central";
    static final List<String> REGIONS = List.of(PRIMARY, FOLLOWER, "ap-tokyo");
    static final List<String> PARTS = List.of("producer", "apply", "lag", "sync", "catchup");
    static final List<String> SYNC_MODES = List.of("async", "semi-sync", "sync");

    /** single in us-west: the library's appends, then the apply part's backlog; never mirrored. */
    static final String T_PRODUCE = "bench-produce";
    /** single in us-west: the HTTP writes. */
    static final String T_HTTP = "bench-http";
    /** global, primary us-west: the lag part. */
    static final String T_LAG = "bench-lag";
    /** global, primary us-west: the catch-up part. */
    static final String T_CATCHUP = "bench-catchup";
    static final String PERF_TOPIC = "bench.producer-performance";
    static final int PARTITIONS = 3;
    static final int CATCHUP_WARMUP = 50;

    static String syncTenant(String mode) {
        return "bench-sync-" + mode.replace("-", "");
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--records", defaultValue = "100000", paramLabel = "N",
            description = "records for the producer, apply and catch-up parts (default: ${DEFAULT-VALUE})")
    long records;

    @Option(names = "--record-size", defaultValue = "512", paramLabel = "BYTES",
            description = "Kafka record value size: ProducerPerformance's --record-size, and the encoded WAL entry size "
                    + "(the memory's content is sized to match) (default: ${DEFAULT-VALUE})")
    int recordSize;

    @Option(names = "--rate", defaultValue = "2000", paramLabel = "R", description = "writes per second in the lag part (default: ${DEFAULT-VALUE})")
    double rate;

    @Option(names = "--lag-seconds", defaultValue = "15", paramLabel = "S", description = "how long the lag part writes at --rate (default: ${DEFAULT-VALUE})")
    double lagSeconds;

    @Option(names = "--http-records", paramLabel = "N", description = "HTTP writes in the producer part (default: --records, at most 3000)")
    Long httpRecords;

    @Option(names = "--http-concurrency", defaultValue = "16", paramLabel = "C",
            description = "HTTP requests in flight in the producer part (default: ${DEFAULT-VALUE}, the region's HTTP threads)")
    int httpConcurrency;

    @Option(names = "--sync-writes", defaultValue = "300", paramLabel = "N", description = "HTTP writes per sync mode (default: ${DEFAULT-VALUE})")
    int syncWrites;

    @Option(names = "--sync-rate", defaultValue = "50", paramLabel = "R", description = "writes per second per sync mode (default: ${DEFAULT-VALUE})")
    double syncRate;

    @Option(names = "--catchup-records", paramLabel = "N", description = "entries eu-central misses in the catch-up part (default: --records)")
    Long catchupRecords;

    @Option(names = "--only", split = ",", paramLabel = "PART", description = "run only these parts: producer,apply,lag,sync,catchup (default: all)")
    List<String> only;

    @Option(names = "--json", description = "print the results as one JSON object on stdout; progress goes to stderr")
    boolean json;

    @Option(names = "--json-out", paramLabel = "FILE", description = "also write the JSON results to FILE (with the table on stdout)")
    Path jsonOut;

    @Option(names = "--lag-trace", paramLabel = "FILE",
            description = "lag part: write one CSV line per write (ack time, ms to mirrored, ms to applied) to FILE, to line spikes up with a profile")
    Path lagTrace;

    @Option(names = "--work-dir", paramLabel = "DIR", description = "where clusters and stores keep their data (default: work/bench-<time>, deleted at the end)")
    Path workDir;

    @Option(names = "--keep-data", description = "keep the work directory after the run")
    boolean keepData;

    private PrintWriter progress;
    private volatile Process child;
    private final MaiaClient client = new MaiaClient();

    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new BenchCommand());
        cli.setExecutionExceptionHandler((e, c, parsed) -> {
            c.getErr().println("maia: " + oneLine(e));
            log.debug("bench failed", e);
            return 1;
        });
        System.exit(cli.execute(args));
    }

    private static String oneLine(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t && (t.getMessage() == null || t instanceof java.util.concurrent.ExecutionException)) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    @Override
    public Integer call() throws Exception {
        Set<String> parts = validate();
        PrintWriter out = spec.commandLine().getOut();
        progress = json ? spec.commandLine().getErr() : out;
        Path work = workDir != null ? workDir
                : Path.of("work", "bench-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        Files.createDirectories(work);
        Teardown teardown = new Teardown(work, !keepData && workDir == null);
        teardown.add(() -> {
            Process p = child;
            if (p != null && p.isAlive()) {
                p.destroyForcibly();
            }
        });
        Thread hook = new Thread(teardown::run, "bench-teardown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            BenchReport report = run(parts, work, teardown);
            if (jsonOut != null) {
                Files.writeString(jsonOut, Json.write(report.toJson()) + System.lineSeparator());
            }
            if (json) {
                out.println(Json.write(report.toJson()));
            } else {
                out.println();
                report.printTable(out);
            }
            out.flush();
            return 0;
        } catch (Exception e) {
            if (teardown.started()) {
                return 130; // Ctrl-C: the hook tore everything down under us
            }
            throw e;
        } finally {
            teardown.run();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is what runs
            }
        }
    }

    private Set<String> validate() {
        require(records >= 100, "--records must be >= 100");
        require(recordSize >= 64 && recordSize <= 64 * 1024, "--record-size must be between 64 and 65536 bytes");
        require(rate > 0 && Double.isFinite(rate), "--rate must be > 0");
        require(lagSeconds > 0, "--lag-seconds must be > 0");
        require(httpRecords == null || httpRecords >= 1, "--http-records must be >= 1");
        require(httpConcurrency >= 1, "--http-concurrency must be >= 1");
        require(syncWrites >= 1, "--sync-writes must be >= 1");
        require(syncRate > 0, "--sync-rate must be > 0");
        require(catchupRecords == null || catchupRecords >= 1, "--catchup-records must be >= 1");
        Set<String> parts = new LinkedHashSet<>(only == null ? PARTS : only);
        for (String p : parts) {
            require(PARTS.contains(p), "--only: unknown part '" + p + "' (parts: " + String.join(",", PARTS) + ")");
        }
        return parts;
    }

    private BenchReport run(Set<String> parts, Path work, Teardown teardown) throws Exception {
        long t0 = System.nanoTime();
        String loadAtStart = loadAverage();
        say("bench: starting %d KRaft clusters and MirrorMaker 2 under %s (load average %s) ...", REGIONS.size(), work, loadAtStart);
        LocalRegions regions = teardown.add(LocalRegions.start(REGIONS, work.resolve("kafka")));
        Map<String, String> keys = new TreeMap<>();
        for (String t : List.of(T_PRODUCE, T_HTTP, T_LAG, T_CATCHUP)) {
            keys.put(t, ApiKeyring.newKey());
        }
        SYNC_MODES.forEach(m -> keys.put(syncTenant(m), ApiKeyring.newKey()));
        BenchListener listener = new BenchListener();
        String adminKey = ApiKeyring.newKey();
        RegionNodes nodes = teardown.add(RegionNodes.start(regions, work.resolve("regions"), listener, adminKey, keys));
        say("bench: %d regions with MAIA processes up in %.1f s", REGIONS.size(), (System.nanoTime() - t0) / 1e9);
        place(nodes, T_PRODUCE, "single", Map.of());
        place(nodes, T_HTTP, "single", Map.of());
        place(nodes, T_LAG, "global", Map.of());
        place(nodes, T_CATCHUP, "global", Map.of());

        int contentSize = BenchMemories.contentSizeFor(recordSize);
        int valueSize = BenchMemories.encodedSize(contentSize);
        BenchReport report = new BenchReport();
        report.section("machine", machine(loadAtStart));
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("parts", List.copyOf(parts));
        config.put("records", records);
        config.put("record_size", recordSize);
        config.put("wal_entry_bytes", valueSize);
        config.put("memory_content_bytes", contentSize);
        config.put("partitions", PARTITIONS);
        config.put("rate", rate);
        config.put("lag_seconds", lagSeconds);
        config.put("http_records", httpRecords());
        config.put("http_concurrency", httpConcurrency);
        config.put("sync_writes", syncWrites);
        config.put("sync_rate", syncRate);
        config.put("catchup_records", catchupRecords());
        config.put("producer_props", producerProps());
        report.section("config", config);

        KafkaPerfTools tools = new KafkaPerfTools(work.resolve("perf-tools.log"), p -> child = p);
        if (parts.contains("producer") || parts.contains("apply")) {
            producerAndApply(parts, nodes, listener, tools, contentSize, valueSize, report);
        }
        if (parts.contains("producer")) {
            http(nodes, keys, contentSize, report);
        }
        if (parts.contains("lag")) {
            lag(nodes, listener, contentSize, report);
        }
        if (parts.contains("sync")) {
            sync(nodes, listener, keys, contentSize, report);
        }
        if (parts.contains("catchup")) {
            catchup(nodes, listener, contentSize, report);
        }
        report.section("seconds_total", BenchReport.round((System.nanoTime() - t0) / 1e9, 1));
        say("bench: done in %.0f s; tearing down", (System.nanoTime() - t0) / 1e9);
        return report;
    }

    // ---------------------------------------------------------------- producer and apply

    /**
     * us-west's MAIA process is stopped for the producer runs, so its apply does not compete with either
     * producer for the two cores; the library's appends then are the apply part's backlog: the process is
     * started again and applies them, timed, after ConsumerPerformance has read the same topic.
     */
    private void producerAndApply(Set<String> parts, RegionNodes nodes, BenchListener listener, KafkaPerfTools tools,
                                  int contentSize, int valueSize, BenchReport report) throws Exception {
        RegionSpec primary = nodes.topology().requireRegion(PRIMARY);
        say("producer: stopping %s's MAIA process (its apply would compete with the producers; its backlog is the apply part's)", PRIMARY);
        nodes.stopRegion(PRIMARY);
        KafkaPerfTools.ProducerResult pp = null;
        if (parts.contains("producer")) {
            createTopic(primary.bootstrapServers(), PERF_TOPIC, PARTITIONS);
            say("producer: ProducerPerformance, %d records of %d B to %s ...", records, valueSize, PERF_TOPIC);
            pp = tools.producerPerformance(primary.bootstrapServers(), PERF_TOPIC, records, valueSize, producerProps());
            say("  %s", pp.line());
        }
        say("producer: MAIA producer library (maia produce --via kafka), %d WAL entries of %d B ...", records, valueSize);
        ProduceStats lib = new ProduceStats();
        try (KafkaProduceSink sink = KafkaProduceSink.open(primary, Optional.empty())) {
            sink.requireWritable(List.of(T_PRODUCE), Duration.ofSeconds(30));
            lib = new ProduceStats();
            new ProduceRun(sink, lib, new RatePacer(0), 0).run(new BenchMemories(records, contentSize, T_PRODUCE, false), () -> false);
        }
        requireNoErrors(lib, "producer library");
        say("  %d records in %.2f s: %.0f records/s", lib.written(), lib.seconds(), lib.recordsPerSecond());
        if (pp != null) {
            Map<String, Object> producer = new LinkedHashMap<>();
            Map<String, Object> ours = libraryJson(lib, valueSize);
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

        if (parts.contains("apply")) {
            say("apply: ConsumerPerformance reading %s from the beginning (%d records) ...", WalTopics.wal(T_PRODUCE), records);
            KafkaPerfTools.ConsumerResult cp = tools.consumerPerformance(primary.bootstrapServers(), WalTopics.wal(T_PRODUCE),
                    records, "bench-consumer-performance");
            say("  %s", cp.line());
            say("apply: starting %s's MAIA process; it applies the %d entries of its backlog ...", PRIMARY, records);
            listener.reset(PRIMARY, T_PRODUCE);
            long start = System.nanoTime();
            nodes.startRegion(PRIMARY);
            long running = System.nanoTime();
            awaitApplied(nodes, listener, PRIMARY, T_PRODUCE, records);
            BenchListener.Applied a = listener.applied(PRIMARY, T_PRODUCE);
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
            say("  applied %d in %.2f s (%.0f/s) after %.1f s to start", a.count(), a.spanSeconds(), applyRate, (running - start) / 1e9);
        } else {
            nodes.startRegion(PRIMARY);
        }
    }

    private void http(RegionNodes nodes, Map<String, String> keys, int contentSize, BenchReport report) throws Exception {
        long n = httpRecords();
        say("producer: HTTP POST /v1/memories to %s, %d writes, %d in flight ...", PRIMARY, n, httpConcurrency);
        ProduceStats stats = new ProduceStats();
        try (HttpProduceSink sink = new HttpProduceSink(nodes.node(PRIMARY).endpoint(), keys, httpConcurrency)) {
            stats = new ProduceStats();
            new ProduceRun(sink, stats, new RatePacer(0), 0).run(new BenchMemories(n, contentSize, T_HTTP, false), () -> false);
        }
        requireNoErrors(stats, "HTTP writes");
        Map<String, Object> ours = new LinkedHashMap<>();
        ours.put("records", stats.written());
        ours.put("seconds", BenchReport.round(stats.seconds(), 3));
        ours.put("records_per_second", BenchReport.round(stats.recordsPerSecond(), 1));
        ours.put("latency_ms", stats.latencyMillis());
        ours.put("concurrency", httpConcurrency);
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
        say("  %d writes in %.2f s: %.0f records/s", stats.written(), stats.seconds(), stats.recordsPerSecond());
    }

    // ---------------------------------------------------------------- end-to-end lag

    /**
     * Writes at --rate with the producer library to a global tenant whose primary is us-west; per write,
     * the time from its acknowledgement to (a) its apply in eu-central (readable there: MAIA) and (b) its
     * mirrored record becoming readable in eu-central's cluster (raw MirrorMaker 2). Same writes, same run.
     */
    private void lag(RegionNodes nodes, BenchListener listener, int contentSize, BenchReport report) throws Exception {
        RegionSpec primary = nodes.topology().requireRegion(PRIMARY);
        RegionSpec follower = nodes.topology().requireRegion(FOLLOWER);
        long n = Math.max(1, Math.round(rate * lagSeconds));
        try (KafkaProduceSink base = KafkaProduceSink.open(primary, Optional.empty())) {
            base.requireWritable(List.of(T_LAG), Duration.ofSeconds(30));
            long warm = Math.max(50, Math.round(rate));
            say("lag: warm-up, %d writes until %s applies them (MirrorMaker 2 picks up the new topic) ...", warm, FOLLOWER);
            produce(base, new BenchMemories(warm, contentSize, T_LAG, true), rate, "lag warm-up");
            awaitApplied(nodes, listener, FOLLOWER, T_LAG, warm);
            Map<String, Long> applied = listener.trace(FOLLOWER, T_LAG);
            String mirrored = PRIMARY + "." + WalTopics.wal(T_LAG);
            try (MirroredArrivals raw = MirroredArrivals.start(follower.bootstrapServers(), mirrored, Duration.ofSeconds(60))) {
                TimedSink timed = new TimedSink(base);
                say("lag: %d writes at %.0f/s for %.0f s; arrivals in %s: applied (MAIA) and mirrored record (raw MM2) ...",
                        n, rate, lagSeconds, FOLLOWER);
                ProduceStats stats = produce(timed, new BenchMemories(n, contentSize, T_LAG, true), rate, "lag writes");
                Map<String, Long> acked = timed.acked();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (System.nanoTime() < deadline
                        && !(applied.keySet().containsAll(acked.keySet()) && raw.arrivals().keySet().containsAll(acked.keySet()))) {
                    Thread.sleep(100);
                }
                long[] maia = new long[acked.size()];
                long[] mm2 = new long[acked.size()];
                long[] afterMirrored = new long[acked.size()];
                int m = 0;
                int r = 0;
                int d = 0;
                StringBuilder trace = lagTrace == null ? null : new StringBuilder("ack_epoch_ms,ms_to_mirrored,ms_to_applied\n");
                long epochMs = System.currentTimeMillis();
                long epochNanos = System.nanoTime();
                for (Map.Entry<String, Long> e : acked.entrySet()) {
                    Long a = applied.get(e.getKey());
                    if (a != null) {
                        maia[m++] = a - e.getValue();
                    }
                    Long b = raw.arrivals().get(e.getKey());
                    if (b != null) {
                        mm2[r++] = b - e.getValue();
                    }
                    if (a != null && b != null) {
                        afterMirrored[d++] = Math.max(0, a - b);
                    }
                    if (trace != null) {
                        trace.append(String.format("%.3f,%s,%s%n", epochMs + (e.getValue() - epochNanos) / 1e6,
                                b == null ? "" : String.format("%.3f", (b - e.getValue()) / 1e6),
                                a == null ? "" : String.format("%.3f", (a - e.getValue()) / 1e6)));
                    }
                }
                if (trace != null) {
                    Files.writeString(lagTrace, trace);
                }
                Latencies ours = Latencies.of(java.util.Arrays.copyOf(maia, m));
                Latencies base2 = Latencies.of(java.util.Arrays.copyOf(mm2, r));
                double ratio = ours.p99Ms() / Math.max(0.01, base2.p99Ms());
                boolean met = ratio <= 1.5 && ours.p99Ms() < 500;
                Map<String, Object> lag = new LinkedHashMap<>();
                lag.put("writes", acked.size());
                lag.put("rate_target", rate);
                lag.put("rate_achieved", BenchReport.round(stats.recordsPerSecond(), 1));
                lag.put("maia", withMissing(ours.toJson(), acked.size() - m));
                lag.put("mm2", withMissing(base2.toJson(), acked.size() - r));
                // Per write, from its mirrored record being readable to its apply: MAIA's own share of the lag.
                lag.put("apply_after_mirrored", Latencies.of(java.util.Arrays.copyOf(afterMirrored, d)).toJson());
                lag.put("ratio_p99", BenchReport.round(ratio, 3));
                lag.put("target", "p99 <= 1.5x raw MM2 p99 and < 500 ms");
                lag.put("met", met);
                report.section("lag", lag);
                String at = String.format("@%.0f/s", rate);
                report.row("lag", "ack->readable p50 ms " + at, BenchReport.num(ours.p50Ms()), BenchReport.num(base2.p50Ms()),
                        ours.p50Ms() / Math.max(0.01, base2.p50Ms()), null, null);
                report.row("lag", "ack->readable p99 ms " + at, BenchReport.num(ours.p99Ms()), BenchReport.num(base2.p99Ms()),
                        ratio, "<= 1.5x and < 500 ms", met);
                report.row("lag", "ack->readable max ms " + at, BenchReport.num(ours.maxMs()), BenchReport.num(base2.maxMs()),
                        ours.maxMs() / Math.max(0.01, base2.maxMs()), null, null);
                report.target("end-to-end lag p99 vs raw MirrorMaker 2 p99", ours.p99Ms(), base2.p99Ms(), ratio,
                        "<= 1.5 and < 500 ms", met);
                say("  MAIA p50/p99/max %.1f/%.1f/%.1f ms; raw MM2 %.1f/%.1f/%.1f ms (%d writes at %.0f/s)",
                        ours.p50Ms(), ours.p99Ms(), ours.maxMs(), base2.p50Ms(), base2.p99Ms(), base2.maxMs(),
                        acked.size(), stats.recordsPerSecond());
            }
        }
    }

    private static Map<String, Object> withMissing(Map<String, Object> latencies, long missing) {
        latencies.put("missing", missing);
        return latencies;
    }

    // ---------------------------------------------------------------- sync modes

    /**
     * HTTP write latency for a global tenant placed with each sync mode. Needs the placement API to keep
     * {@code sync_mode}: if it refuses or ignores the field, the part says "not available" instead of
     * measuring async three times.
     */
    private void sync(RegionNodes nodes, BenchListener listener, Map<String, String> keys, int contentSize,
                      BenchReport report) throws Exception {
        Map<String, Object> sync = new LinkedHashMap<>();
        String unavailable = null;
        for (String mode : SYNC_MODES) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("sync_mode", mode);
            body.put("min_sync_replicas", 1);
            MaiaClient.Reply r = placeReply(nodes, syncTenant(mode), "global", body);
            JsonNode kept = r.body() == null ? null : r.body().get("sync_mode");
            if (r.status() != 200) {
                unavailable = "placing a tenant with sync_mode " + mode + " answered " + r.status() + ": " + r.body();
                break;
            }
            if (kept == null || !mode.equals(kept.asText())) {
                unavailable = "the placement API does not keep sync_mode (asked " + mode + ", placement is " + r.body() + ")";
                break;
            }
        }
        if (unavailable != null) {
            sync.put("available", false);
            sync.put("reason", unavailable);
            report.section("sync", sync);
            report.row("sync", "write latency per sync mode", "not available", null, null, null, null);
            say("sync: not available: %s", unavailable);
            return;
        }
        sync.put("available", true);
        Map<String, Object> modes = new LinkedHashMap<>();
        for (String mode : SYNC_MODES) {
            String tenant = syncTenant(mode);
            String endpoint = nodes.node(PRIMARY).endpoint();
            say("sync: %s, warm-up then %d HTTP writes at %.0f/s ...", mode, syncWrites, syncRate);
            try (HttpProduceSink warm = new HttpProduceSink(endpoint, keys, 4)) {
                produce(warm, new BenchMemories(20, contentSize, tenant, false), 20, "sync warm-up " + mode);
            }
            for (String region : REGIONS) {
                awaitApplied(nodes, listener, region, tenant, 20);
            }
            ProduceStats stats = new ProduceStats();
            try (HttpProduceSink sink = new HttpProduceSink(endpoint, keys, 64)) {
                stats = new ProduceStats();
                new ProduceRun(sink, stats, new RatePacer(syncRate), 0).run(new BenchMemories(syncWrites, contentSize, tenant, false), () -> false);
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("writes", stats.written());
            m.put("errors", stats.errors());
            m.put("latency_ms", stats.latencyMillis());
            modes.put(mode, m);
            Map<String, Double> lat = stats.latencyMillis();
            report.row("sync", mode + " write p50 / p99 ms", BenchReport.num(lat.getOrDefault("p50", 0.0)) + " / "
                    + BenchReport.num(lat.getOrDefault("p99", 0.0)), null, null, null, null);
            say("  %s: p50 %.1f ms, p99 %.1f ms, %d errors", mode, lat.getOrDefault("p50", 0.0), lat.getOrDefault("p99", 0.0), stats.errors());
        }
        sync.put("modes", modes);
        report.section("sync", sync);
    }

    // ---------------------------------------------------------------- catch-up

    /**
     * eu-central's MAIA process is stopped; N entries of a global tenant are written in us-west and
     * mirrored into eu-central's cluster (waited for, so that only applying is timed); then the process
     * starts and applies them. The mechanism is the apply part's (a backlog applied after a start), on a
     * mirrored log instead of a local one.
     */
    private void catchup(RegionNodes nodes, BenchListener listener, int contentSize, BenchReport report) throws Exception {
        RegionSpec primary = nodes.topology().requireRegion(PRIMARY);
        RegionSpec follower = nodes.topology().requireRegion(FOLLOWER);
        long n = catchupRecords();
        String mirrored = PRIMARY + "." + WalTopics.wal(T_CATCHUP);
        try (KafkaProduceSink sink = KafkaProduceSink.open(primary, Optional.empty())) {
            sink.requireWritable(List.of(T_CATCHUP), Duration.ofSeconds(30));
            produce(sink, new BenchMemories(CATCHUP_WARMUP, contentSize, T_CATCHUP, false), 0, "catch-up warm-up");
            awaitApplied(nodes, listener, FOLLOWER, T_CATCHUP, CATCHUP_WARMUP);
            say("catchup: stopping %s's MAIA process; writing %d entries in %s ...", FOLLOWER, n, PRIMARY);
            nodes.stopRegion(FOLLOWER);
            produce(sink, new BenchMemories(n, contentSize, T_CATCHUP, false), 0, "catch-up writes");
        }
        say("catchup: waiting until MirrorMaker 2 has copied them into %s's cluster ...", FOLLOWER);
        awaitRecords(follower.bootstrapServers(), mirrored, CATCHUP_WARMUP + n, Duration.ofSeconds(120 + n / 1000));
        listener.reset(FOLLOWER, T_CATCHUP);
        say("catchup: starting %s's MAIA process ...", FOLLOWER);
        long start = System.nanoTime();
        nodes.startRegion(FOLLOWER);
        long running = System.nanoTime();
        awaitApplied(nodes, listener, FOLLOWER, T_CATCHUP, n);
        BenchListener.Applied a = listener.applied(FOLLOWER, T_CATCHUP);
        double total = (a.lastNanos - start) / 1e9;
        double applyRate = a.count() / a.spanSeconds();
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("records", a.count());
        c.put("seconds_to_caught_up", BenchReport.round(total, 3));
        c.put("seconds_to_running", BenchReport.round((running - start) / 1e9, 3));
        c.put("seconds_applying", BenchReport.round(a.spanSeconds(), 3));
        c.put("records_per_second", BenchReport.round(applyRate, 1));
        c.put("note", "same mechanism as the apply part (a backlog applied after a start), on the mirrored log");
        report.section("catchup", c);
        report.row("catchup", String.format("%d missed: seconds to caught up", a.count()), BenchReport.num(total), null, null, null, null);
        report.row("catchup", "  of which applying, entries/s", BenchReport.num(applyRate), null, null, null, null);
        say("  caught up %d entries in %.2f s from the start (%.1f s to running, %.0f entries/s applying)",
                a.count(), total, (running - start) / 1e9, applyRate);
    }

    // ---------------------------------------------------------------- helpers

    private ProduceStats produce(ProduceSink sink, ProduceInput input, double perSecond, String what) throws Exception {
        ProduceStats stats = new ProduceStats();
        new ProduceRun(sink, stats, new RatePacer(perSecond), 0).run(input, () -> false);
        requireNoErrors(stats, what);
        return stats;
    }

    private static void requireNoErrors(ProduceStats stats, String what) {
        if (stats.errors() > 0) {
            throw new IllegalStateException(what + ": " + stats.errors() + " writes failed: "
                    + stats.toJson("", "", false).get("error_examples"));
        }
    }

    private Map<String, Object> libraryJson(ProduceStats lib, int valueSize) {
        Map<String, Object> ours = new LinkedHashMap<>();
        ours.put("path", "WalAppender via KafkaProduceSink (maia produce --via kafka)");
        ours.put("records", lib.written());
        ours.put("seconds", BenchReport.round(lib.seconds(), 3));
        ours.put("records_per_second", BenchReport.round(lib.recordsPerSecond(), 1));
        ours.put("mb_per_second", BenchReport.round(lib.recordsPerSecond() * valueSize / (1024.0 * 1024.0), 2));
        ours.put("latency_ms", lib.latencyMillis());
        return ours;
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

    private long httpRecords() {
        return httpRecords != null ? httpRecords : Math.min(records, 3000);
    }

    private long catchupRecords() {
        return catchupRecords != null ? catchupRecords : records;
    }

    private void place(RegionNodes nodes, String tenant, String mode, Map<String, Object> extra) throws Exception {
        MaiaClient.Reply r = placeReply(nodes, tenant, mode, extra);
        if (r.status() != 200) {
            throw new IllegalStateException("placing " + tenant + " answered " + r.status() + ": " + r.body());
        }
    }

    private MaiaClient.Reply placeReply(RegionNodes nodes, String tenant, String mode, Map<String, Object> extra) throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("mode", mode);
        body.put("primary_region", PRIMARY);
        body.put("replicas", List.of());
        body.putAll(extra);
        return client.send("POST", nodes.node(PRIMARY).endpoint() + "/admin/tenants/" + tenant + "/placement",
                nodes.topology().adminKey(), Json.write(body));
    }

    /** Waits until the region applied {@code n} entries of the tenant (since the last reset); fails if apply stopped. */
    private static void awaitApplied(RegionNodes nodes, BenchListener listener, String region, String tenant, long n)
            throws InterruptedException {
        Duration timeout = Duration.ofSeconds(120 + n / 500);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (listener.applied(region, tenant).count() < n) {
            Optional<Throwable> failed = nodes.node(region).apply().failure();
            if (failed.isPresent()) {
                throw new IllegalStateException("apply in " + region + " stopped: " + failed.get().getMessage(), failed.get());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(region + " applied " + listener.applied(region, tenant).count() + " of " + n
                        + " entries of " + tenant + " within " + timeout.toSeconds() + " s");
            }
            Thread.sleep(20);
        }
    }

    private static void createTopic(String bootstrapServers, String topic, int partitions) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
    }

    /** Waits until the topic (in that cluster) holds at least {@code n} records in all. */
    private static void awaitRecords(String bootstrapServers, String topic, long n, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long have = 0;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            while (System.nanoTime() < deadline) {
                try {
                    TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic);
                    Map<TopicPartition, OffsetSpec> q = new HashMap<>();
                    d.partitions().forEach(p -> q.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
                    have = admin.listOffsets(q).all().get(10, TimeUnit.SECONDS).values().stream()
                            .mapToLong(o -> o.offset()).sum();
                    if (have >= n) {
                        return;
                    }
                } catch (java.util.concurrent.ExecutionException notYet) {
                    // the mirrored topic may not exist yet
                }
                Thread.sleep(200);
            }
        }
        throw new IllegalStateException(topic + " holds " + have + " of " + n + " records after " + timeout.toSeconds() + " s");
    }

    private static Map<String, Object> machine(String loadAtStart) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cpus", Runtime.getRuntime().availableProcessors());
        m.put("memory_mb", memoryMb());
        m.put("max_heap_mb", Runtime.getRuntime().maxMemory() / (1024 * 1024));
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        m.put("load_average_at_start", loadAtStart);
        return m;
    }

    private static long memoryMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (Exception unknown) {
            // not Linux
        }
        return -1;
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (Exception unknown) {
            return "unknown";
        }
    }

    private void say(String format, Object... args) {
        log.info("{}", String.format(format, args)); // timestamps in the log, to line profiles up with the parts
        progress.printf(format + "%n", args);
        progress.flush();
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

}
