package dev.maia.cli.bench;

import dev.maia.cli.Teardown;
import dev.maia.schemas.http.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;

/**
 * {@code maia bench}: MAIA's write, apply and replication paths against Kafka's own perf tools, on the
 * same three local regions in the same run, side by side. It starts its own clusters, MirrorMaker 2 and
 * MAIA processes (as {@code maia demo} does), runs the parts asked for, prints a table or JSON, and always
 * tears everything down. Benchmarks, not tests: nothing here asserts a time; targets are reported.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Benchmark MAIA against Kafka's perf tools on three local regions (real KRaft clusters, MirrorMaker 2), side by side:",
                "  producer  WAL appends with the producer library (as `maia produce --via kafka`) and HTTP writes (our client, then wrk if installed) vs ProducerPerformance (same size, acks=all, idempotent)",
                "  apply     entries applied per second from a backlog vs ConsumerPerformance on the same topic",
                "  lag       write acknowledged in us-west to readable in eu-central at --rate, vs the raw MirrorMaker 2 record latency of the same writes",
                "  sync      HTTP write latency per sync mode (if the placement API has sync modes)",
                "  catchup   eu-central misses N entries (its process stopped), then applies them: time to catch up",
                "  wal       steady updates of a few resources: disk of the tenant's log and mirrored copies over time (WAL lifecycle on or off)",
                "  tenants   (opt-in, long: --only tenants) 10, 100, 1,000 new tenants: provisioning, topic discovery, lag p99, heap after GC",
                "  data      (opt-in, long: --only data) one region's store filled with --data-memories memories: heap after GC, reopen time, deep listing p99, disk"})
public final class BenchCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(BenchCommand.class);

    static final List<String> PARTS = List.of("producer", "apply", "lag", "sync", "catchup", "wal");
    /** Parts run only when named in --only: too long for a default run. */
    static final List<String> OPT_IN_PARTS = List.of("tenants", "data");
    static final List<String> ALL_PARTS = Stream.concat(PARTS.stream(), OPT_IN_PARTS.stream()).toList();

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

    @Option(names = "--http-concurrency", defaultValue = "64", paramLabel = "C",
            description = "HTTP requests in flight in the producer part, for our client and for wrk's connections (default: ${DEFAULT-VALUE})")
    int httpConcurrency;

    @Option(names = "--wrk-seconds", defaultValue = "10", paramLabel = "S",
            description = "producer part: how long wrk posts memories, when wrk is installed (default: ${DEFAULT-VALUE})")
    double wrkSeconds;

    @Option(names = "--sync-writes", defaultValue = "300", paramLabel = "N", description = "HTTP writes per sync mode (default: ${DEFAULT-VALUE})")
    int syncWrites;

    @Option(names = "--sync-rate", defaultValue = "50", paramLabel = "R", description = "writes per second per sync mode (default: ${DEFAULT-VALUE})")
    double syncRate;

    @Option(names = "--catchup-records", paramLabel = "N", description = "entries eu-central misses in the catch-up part (default: --records)")
    Long catchupRecords;

    @Option(names = "--wal-seconds", defaultValue = "120", paramLabel = "S", description = "how long the wal part updates (default: ${DEFAULT-VALUE})")
    double walSeconds;

    @Option(names = "--wal-rate", defaultValue = "100", paramLabel = "R", description = "updates per second in the wal part (default: ${DEFAULT-VALUE})")
    double walRate;

    @Option(names = "--wal-resources", defaultValue = "20", paramLabel = "N", description = "resources the wal part updates in turn (default: ${DEFAULT-VALUE})")
    int walResources;

    @Option(names = "--wal-truncation", defaultValue = "on", paramLabel = "on|off",
            description = "wal part: the WAL lifecycle on, or off (regions restarted with wal_truncate_interval_ms: 0) (default: ${DEFAULT-VALUE})")
    String walTruncation;

    @Option(names = "--tenant-counts", split = ",", defaultValue = "10,100,1000", paramLabel = "N",
            description = "tenants part: how many new tenants each step provisions and writes for (default: ${DEFAULT-VALUE})")
    List<Integer> tenantCounts;

    @Option(names = "--tenant-rate", defaultValue = "500", paramLabel = "R",
            description = "tenants part: total writes per second over a step's tenants (default: ${DEFAULT-VALUE})")
    double tenantRate;

    @Option(names = "--tenant-seconds", defaultValue = "5", paramLabel = "S",
            description = "tenants part: how long each step writes at --tenant-rate (default: ${DEFAULT-VALUE})")
    double tenantSeconds;

    @Option(names = "--data-memories", split = ",", defaultValue = "1000000", paramLabel = "N",
            description = "data part: memories stored in one region, one run per count, e.g. 1000000,10000000 (default: ${DEFAULT-VALUE})")
    List<Long> dataMemories;

    @Option(names = "--only", split = ",", paramLabel = "PART",
            description = "run only these parts: producer,apply,lag,sync,catchup,wal,tenants,data (default: all but the opt-in tenants and data)")
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
        while (t.getCause() != null && t.getCause() != t && (t.getMessage() == null || t instanceof ExecutionException)) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    @Override
    public Integer call() throws Exception {
        Set<String> parts = validate();
        PrintWriter out = spec.commandLine().getOut();
        Progress progress = new Progress(json ? spec.commandLine().getErr() : out);
        Path work = workDir != null ? workDir
                : Path.of("work", "bench-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        Files.createDirectories(work);
        Teardown teardown = new Teardown(work, !keepData && workDir == null);
        Thread hook = new Thread(teardown::run, "bench-teardown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            BenchReport report = run(parts, work, teardown, progress);
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
        require(wrkSeconds >= 1 && Double.isFinite(wrkSeconds), "--wrk-seconds must be >= 1");
        require(syncWrites >= 1, "--sync-writes must be >= 1");
        require(syncRate > 0, "--sync-rate must be > 0");
        require(catchupRecords == null || catchupRecords >= 1, "--catchup-records must be >= 1");
        require(walSeconds > 0, "--wal-seconds must be > 0");
        require(walRate > 0 && Double.isFinite(walRate), "--wal-rate must be > 0");
        require(walResources >= 1, "--wal-resources must be >= 1");
        require(walTruncation.equals("on") || walTruncation.equals("off"), "--wal-truncation must be on or off");
        require(!tenantCounts.isEmpty() && tenantCounts.stream().allMatch(n -> n >= 1 && n <= 10_000),
                "--tenant-counts must be between 1 and 10000 each");
        require(tenantRate > 0 && Double.isFinite(tenantRate), "--tenant-rate must be > 0");
        require(tenantSeconds > 0 && Double.isFinite(tenantSeconds), "--tenant-seconds must be > 0");
        require(dataMemories.stream().allMatch(n -> n >= 1_000), "--data-memories: each count must be >= 1000");
        Set<String> parts = new LinkedHashSet<>(only == null ? PARTS : only);
        for (String p : parts) {
            require(ALL_PARTS.contains(p), "--only: unknown part '" + p + "' (parts: " + String.join(",", ALL_PARTS) + ")");
        }
        return parts;
    }

    /** The parts in this order: each may rely on the state the one before left (see the scenarios). */
    private BenchReport run(Set<String> parts, Path work, Teardown teardown, Progress progress) throws Exception {
        int contentSize = BenchMemories.contentSizeFor(recordSize);
        int valueSize = BenchMemories.encodedSize(contentSize);
        if (parts.equals(Set.of("data"))) {
            // No cluster: the heap measured is the store's, not three regions'.
            BenchReport report = new BenchReport();
            long start = System.nanoTime();
            report.section("machine", Machine.describe(Machine.loadAverage()));
            report.section("config", config(parts, contentSize, valueSize));
            new DataScaleScenario(work, dataMemories, contentSize, progress).run(report);
            report.section("seconds_total", BenchReport.round((System.nanoTime() - start) / 1e9, 1));
            return report;
        }
        BenchStack stack = BenchStack.start(work, teardown, progress);
        BenchReport report = new BenchReport();
        report.section("machine", Machine.describe(stack.loadAtStart()));
        report.section("config", config(parts, contentSize, valueSize));

        if (parts.contains("producer") || parts.contains("apply")) {
            LibraryWriteScenario.Backlog backlog = new LibraryWriteScenario(stack, records, contentSize, valueSize)
                    .run(parts.contains("producer"), report);
            if (parts.contains("apply")) {
                new ApplyScenario(stack, backlog).run(report);
            } else {
                // Untimed: the later parts need the region up, and its backlog applied as the apply part leaves it;
                // otherwise the HTTP writes meet a region whose own writes wait behind 100k entries (503 APPLY_BEHIND).
                stack.listener().reset(backlog.region(), backlog.tenant());
                stack.nodes().startRegion(backlog.region());
                stack.awaitApplied(backlog.region(), backlog.tenant(), backlog.entries());
            }
        }
        if (parts.contains("producer")) {
            new HttpWriteScenario(stack, httpRecords(), httpConcurrency, contentSize).run(report);
            new WrkScenario(stack, wrkSeconds, httpConcurrency, contentSize).run(report);
            new HealthUnderLoadScenario(stack, 500, 50, 300).run(report);
        }
        if (parts.contains("lag")) {
            new ReplicationLagScenario(stack, rate, lagSeconds, contentSize, lagTrace).run(report);
        }
        if (parts.contains("sync")) {
            new SyncModeLatencyScenario(stack, syncWrites, syncRate, contentSize).run(report);
        }
        if (parts.contains("catchup")) {
            new CatchupScenario(stack, catchupRecords(), contentSize).run(report);
        }
        if (parts.contains("wal")) {
            new WalDiskScenario(stack, walSeconds, walRate, walResources, walTruncation.equals("on"), contentSize).run(report);
        }
        if (parts.contains("tenants")) {
            new TenantScaleScenario(stack, tenantCounts, tenantRate, tenantSeconds, contentSize).run(report);
        }
        if (parts.contains("data")) {
            new DataScaleScenario(work, dataMemories, contentSize, progress).run(report);
        }
        report.section("seconds_total", BenchReport.round(stack.secondsSinceStart(), 1));
        progress.say("bench: done in %.0f s; tearing down", stack.secondsSinceStart());
        return report;
    }

    private Map<String, Object> config(Set<String> parts, int contentSize, int valueSize) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("parts", List.copyOf(parts));
        config.put("records", records);
        config.put("record_size", recordSize);
        config.put("wal_entry_bytes", valueSize);
        config.put("memory_content_bytes", contentSize);
        config.put("partitions", LibraryWriteScenario.PARTITIONS);
        config.put("rate", rate);
        config.put("lag_seconds", lagSeconds);
        config.put("http_records", httpRecords());
        config.put("http_concurrency", httpConcurrency);
        config.put("wrk_seconds", wrkSeconds);
        config.put("sync_writes", syncWrites);
        config.put("sync_rate", syncRate);
        config.put("catchup_records", catchupRecords());
        config.put("wal_seconds", walSeconds);
        config.put("wal_rate", walRate);
        config.put("wal_resources", walResources);
        config.put("wal_truncation", walTruncation);
        config.put("tenant_counts", tenantCounts);
        config.put("tenant_rate", tenantRate);
        config.put("tenant_seconds", tenantSeconds);
        config.put("data_memories", dataMemories);
        config.put("producer_props", LibraryWriteScenario.producerProps());
        return config;
    }

    private long httpRecords() {
        return httpRecords != null ? httpRecords : Math.min(records, 3000);
    }

    private long catchupRecords() {
        return catchupRecords != null ? catchupRecords : records;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
