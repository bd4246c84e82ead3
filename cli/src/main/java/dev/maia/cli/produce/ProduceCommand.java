package dev.maia.cli.produce;

import dev.maia.producer.WriteLimits;
import dev.maia.schemas.http.Json;
import dev.maia.schemas.topology.RegionSpec;
import dev.maia.schemas.topology.Topology;
import dev.maia.schemas.wal.WalTopics;
import dev.maia.schemas.wal.crypt.WalKeyring;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.io.IOException;
import java.util.LinkedHashSet;

/**
 * {@code maia produce}: writes memories to one region, from JSON lines or generated at a rate, through
 * the HTTP API or the producer library straight to Kafka, and reports records, rate, latency and errors.
 */
@Command(name = "produce", mixinStandardHelpOptions = true,
        description = "Write memories to a region: from JSON lines (a file or stdin) or generated, through the "
                + "HTTP API or straight to Kafka with the producer library. Ends with a summary: records, records/s, "
                + "latency p50/p99 (send to acknowledgement), errors. Exits 0 only if nothing failed.")
public final class ProduceCommand implements Callable<Integer> {
    enum Via { http, kafka }

    static final int DEFAULT_SIZE = 256;
    /** How long a placement written moments ago gets to arrive through MirrorMaker before --via kafka refuses. */
    static final Duration PLACEMENT_GRACE = Duration.ofSeconds(5);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--topology", required = true, paramLabel = "FILE",
            description = "the topology YAML (as `maia demo --topology-out` writes it): regions, endpoints, keys")
    Path topologyFile;

    @Option(names = "--region", paramLabel = "NAME", description = "the region to write to (default: the topology's first)")
    String region;

    @Option(names = "--via", defaultValue = "http", paramLabel = "http|kafka",
            description = "http: POST /v1/memories with the tenant's key; kafka: WAL entries straight to the region's cluster (default: ${DEFAULT-VALUE})")
    Via via;

    @Option(names = "--input", paramLabel = "FILE|-",
            description = "JSON lines, each a memory create body plus a \"tenant\" field; - reads stdin")
    String input;

    @Option(names = "--count", paramLabel = "N", description = "generate N memories (instead of --input)")
    Long count;

    @Option(names = "--rate", defaultValue = "0", paramLabel = "R", description = "records per second; 0 = as fast as possible (default)")
    double rate;

    @Option(names = "--size", paramLabel = "BYTES", description = "content size of generated memories (default: " + DEFAULT_SIZE + ")")
    Integer size;

    @Option(names = "--tenants", split = ",", paramLabel = "TENANT", description = "tenants of generated memories, round-robin (default: the topology's tenant_keys)")
    List<String> tenants;

    @Option(names = "--concurrency", defaultValue = "8", paramLabel = "C", description = "HTTP requests in flight (default: ${DEFAULT-VALUE}); --via kafka keeps up to " + KafkaProduceSink.MAX_IN_FLIGHT)
    int concurrency;

    @Option(names = "--duration", defaultValue = "0", paramLabel = "SECONDS", description = "stop sending after this long (default: no limit)")
    double durationSeconds;

    @Option(names = "--schema-registry-url", defaultValue = "${env:MAIA_SCHEMA_REGISTRY_URL}", paramLabel = "URL",
            description = "--via kafka: encode with the registry-backed codec, as the regions do when they have one")
    String schemaRegistryUrl;

    @Option(names = "--wal-keyring", defaultValue = "${env:MAIA_WAL_KEYRING_FILE}", paramLabel = "FILE",
            description = "--via kafka: encrypt the entries with this WAL keyring, as a region with wal_keyring_file does")
    String walKeyringFile;

    @Option(names = "--json", description = "print the summary as one JSON object on stdout (no progress bar)")
    boolean json;

    @Override
    public Integer call() throws Exception {
        validate();
        Topology topology = Topology.load(topologyFile);
        RegionSpec target = region == null ? topology.regions().get(0) : topology.requireRegion(region);
        if (via == Via.http && (target.endpoint() == null || target.endpoint().isBlank())) {
            throw new IllegalArgumentException("region " + target.name() + " has no endpoint in " + topologyFile + "; use --via kafka");
        }
        List<String> generatedTenants = count == null ? List.of() : generatedTenants(topology);
        PrintWriter out = spec.commandLine().getOut();

        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch finished = new CountDownLatch(1);
        // Ctrl-C: stop sending, and let the hook wait (bounded) for the partial summary to be printed.
        Thread onCtrlC = new Thread(() -> {
            stop.set(true);
            try {
                finished.await(15, TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }, "produce-ctrl-c");
        Runtime.getRuntime().addShutdownHook(onCtrlC);
        try (ProduceInput records = openInput(generatedTenants); ProduceSink sink = openSink(target, topology)) {
            if (sink instanceof KafkaProduceSink kafka && !generatedTenants.isEmpty()) {
                kafka.requireWritable(generatedTenants, PLACEMENT_GRACE); // refuse before a single append
            }
            ProduceStats stats = new ProduceStats();
            boolean progress = !json && System.console() != null;
            try (ProgressBar bar = progress ? new ProgressBar(out, stats, records.total()) : null) {
                new ProduceRun(sink, stats, new RatePacer(rate), durationSeconds).run(records, stop::get);
            }
            boolean interrupted = stop.get();
            if (json) {
                out.println(Json.write(stats.toJson(via.name(), target.name(), interrupted)));
                out.flush();
            } else {
                stats.printTable(out, via.name(), target.name(), interrupted);
            }
            return interrupted ? 130 : stats.errors() == 0 ? 0 : 1;
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(onCtrlC);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it is what waits for us
            }
        }
    }

    private void validate() {
        if ((input == null) == (count == null)) {
            throw new IllegalArgumentException(input == null ? "give --input FILE|- or --count N" : "--input and --count exclude each other");
        }
        if (input != null && (size != null || tenants != null)) {
            throw new IllegalArgumentException("--size and --tenants shape generated memories; they go with --count, not --input");
        }
        require(count == null || count >= 0, "--count must be >= 0");
        require(rate >= 0 && Double.isFinite(rate), "--rate must be >= 0 (0 = as fast as possible)");
        int maxSize = WriteLimits.DEFAULTS.maxContentBytes();
        require(size == null || (size >= 1 && size <= maxSize), "--size must be between 1 and " + maxSize + " bytes (the content limit)");
        require(concurrency >= 1, "--concurrency must be >= 1");
        require(durationSeconds >= 0, "--duration must be >= 0");
        if (tenants != null) {
            for (String t : tenants) {
                require(WalTopics.isValidTenantId(t), "--tenants: '" + t + "' is not a tenant id ([a-zA-Z0-9_-]{1,64})");
            }
        }
    }

    private List<String> generatedTenants(Topology topology) {
        List<String> out = tenants != null ? List.copyOf(new LinkedHashSet<>(tenants))
                : new ArrayList<>(new TreeSet<>(topology.tenantKeys().keySet()));
        require(!out.isEmpty(), "no tenants: give --tenants T1,T2 (the topology has no tenant_keys)");
        return out;
    }

    private ProduceInput openInput(List<String> generatedTenants) throws IOException {
        if (count != null) {
            return new GeneratedMemories(count, size == null ? DEFAULT_SIZE : size, generatedTenants);
        }
        if (input.equals("-")) {
            return new JsonLinesMemories(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)), false);
        }
        Path file = Path.of(input);
        require(Files.isReadable(file), "--input: cannot read " + file);
        return new JsonLinesMemories(Files.newBufferedReader(file, StandardCharsets.UTF_8), true);
    }

    private ProduceSink openSink(RegionSpec target, Topology topology) throws Exception {
        if (via == Via.http) {
            return new HttpProduceSink(target.endpoint(), topology.tenantKeys(), concurrency,
                    region -> topology.region(region).map(RegionSpec::endpoint));
        }
        return KafkaProduceSink.open(topology, target, Optional.ofNullable(schemaRegistryUrl), walKeyring());
    }

    private Optional<WalKeyring> walKeyring() {
        if (walKeyringFile == null || walKeyringFile.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(WalKeyring.load(Path.of(walKeyringFile), System.getenv()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--wal-keyring: " + e.getMessage(), e);
        }
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
