package dev.maia.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maia.localcluster.LocalRegions;
import dev.maia.cli.server.ApiKeyring;
import dev.maia.cli.verify.StateVerifier;
import dev.maia.cli.verify.TenantVerdict;
import dev.maia.cli.verify.VerifyReport;
import dev.maia.schemas.http.Json;
import dev.maia.schemas.topology.Topology;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.TreeMap;
import java.util.concurrent.TimeoutException;

/**
 * {@code maia demo}: three real KRaft clusters, MirrorMaker 2 and a MAIA process per region on this
 * machine, sample writes through the HTTP API, and their arrival in every region.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the three-region demo on this machine (real Kafka, MirrorMaker 2, no Docker).")
final class DemoCommand implements Callable<Integer> {
    static final List<String> REGIONS = List.of("us-west", "eu-central", "ap-tokyo");
    /** One demo tenant per placement mode; each writes in its primary region. */
    record DemoTenant(String id, String mode, String primary, List<String> replicas) {
        List<String> holders() {
            List<String> out = new ArrayList<>(List.of(primary));
            out.addAll(mode.equals("global") ? REGIONS.stream().filter(r -> !r.equals(primary)).toList() : replicas);
            return out;
        }
    }

    static final List<DemoTenant> TENANTS = List.of(
            new DemoTenant("acme", "global", "us-west", List.of()),
            new DemoTenant("globex", "replicated", "eu-central", List.of("us-west")),
            new DemoTenant("initech", "single", "ap-tokyo", List.of()));

    /** How long the closing verification may wait for the holders of a tenant to reach one vector. */
    private static final Duration VERIFY_TIMEOUT = Duration.ofSeconds(60);

    @Option(names = "--writes", description = "write N memories, then wait for them (default: write continuously until Ctrl-C)")
    Integer writes;

    @Option(names = "--exit-when-converged", description = "exit once every region holds every write and maia verify finds "
            + "every tenant equal (0), or not (1)")
    boolean exitWhenConverged;

    @Option(names = "--json", description = "print the summary as JSON on stdout; progress goes to stderr")
    boolean json;

    @Option(names = "--topology-out", description = "write the running topology (regions, bootstrap servers, endpoints, API keys) to FILE")
    Path topologyOut;

    @Option(names = "--work-dir", description = "where clusters and stores keep their data (default: work/demo-<time>)")
    Path workDir;

    @Option(names = "--timeout", defaultValue = "180", description = "seconds to wait for convergence (default: ${DEFAULT-VALUE})")
    int timeoutSeconds;

    @Option(names = "--keep-data", description = "keep the work directory after the demo ends")
    boolean keepData;

    private PrintStream progress;

    @Override
    public Integer call() throws Exception {
        if (writes != null && writes < 0) {
            throw new IllegalArgumentException("--writes must be >= 0");
        }
        if (exitWhenConverged && writes == null) {
            throw new IllegalArgumentException("--exit-when-converged needs --writes N");
        }
        progress = json ? System.err : System.out;
        Path work = workDir != null ? workDir
                : Path.of("work", "demo-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        Files.createDirectories(work);
        DemoRun run = new DemoRun(REGIONS);
        long startNanos = System.nanoTime();
        progress.printf("demo: starting %d KRaft clusters and MirrorMaker 2 under %s ...%n", REGIONS.size(), work);
        Teardown teardown = new Teardown(work, !keepData && workDir == null);
        Runtime.getRuntime().addShutdownHook(new Thread(teardown::run, "demo-teardown"));
        try {
            LocalRegions clusters = teardown.add(LocalRegions.start(REGIONS, work.resolve("kafka")));
            Map<String, String> tenantKeys = new TreeMap<>();
            TENANTS.forEach(t -> tenantKeys.put(t.id(), ApiKeyring.newKey()));
            RegionNodes nodes = teardown.add(RegionNodes.start(clusters, work.resolve("regions"), run,
                    ApiKeyring.newKey(), tenantKeys));
            Topology topology = nodes.topology();
            progress.printf("demo: %d regions up in %.1f s%n", REGIONS.size(), (System.nanoTime() - startNanos) / 1e9);
            for (var r : topology.regions()) {
                progress.printf("  %-11s kafka %-20s http %s  metrics %s/metrics%n", r.name(), r.bootstrapServers(), r.endpoint(),
                        nodes.node(r.name()).managementEndpoint().orElse("-"));
            }
            place(nodes);
            if (topologyOut != null) {
                topology.write(topologyOut);
                progress.printf("demo: topology written to %s%n", topologyOut);
            }
            return writes == null ? continuous(nodes, run, teardown) : scripted(nodes, run);
        } catch (Exception e) {
            if (teardown.started()) {
                return 130; // Ctrl-C: the teardown hook owns the exit
            }
            throw e;
        } finally {
            teardown.run();
        }
    }

    private int scripted(RegionNodes nodes, DemoRun run) throws Exception {
        progress.printf("demo: writing %d memories for tenants %s ...%n", writes, TENANTS.stream().map(DemoTenant::id).toList());
        writeAll(nodes, run, writes);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        Map<String, DemoRun.RegionStatus> status;
        long lastTable = 0;
        while (true) {
            status = run.status(nodes);
            boolean converged = status.values().stream().allMatch(DemoRun.RegionStatus::converged);
            if (converged || System.nanoTime() > deadline) {
                break;
            }
            if (System.nanoTime() - lastTable > TimeUnit.SECONDS.toNanos(1)) {
                printTable(status);
                lastTable = System.nanoTime();
            }
            Thread.sleep(100);
        }
        boolean converged = status.values().stream().allMatch(DemoRun.RegionStatus::converged);
        printTable(status);
        progress.printf("demo: %s in %.2f s%n", converged ? "converged" : "NOT converged",
                converged ? run.secondsToConverge() : (double) timeoutSeconds);
        List<TenantVerdict> verdicts = converged ? verify(nodes) : List.of();
        boolean verified = converged && VerifyReport.allEqual(verdicts);
        if (json) {
            Map<String, Object> summary = summary(run, status, converged);
            summary.put("verified", verified);
            summary.put("verification", VerifyReport.toJson(verdicts));
            System.out.println(Json.write(summary));
        }
        if (exitWhenConverged) {
            return verified ? 0 : 1;
        }
        progress.println("demo: running until Ctrl-C");
        new CountDownLatch(1).await();
        return 0;
    }

    /** What {@code maia verify} checks: every holder of every tenant at one position vector, with one digest. */
    private List<TenantVerdict> verify(RegionNodes nodes) throws InterruptedException, TimeoutException {
        progress.println("demo: verifying each tenant's state in every region that holds it (as maia verify does) ...");
        MaiaClient client = new MaiaClient();
        List<TenantVerdict> verdicts;
        try (StateVerifier verifier = new StateVerifier(nodes.topology(), client)) {
            verdicts = verifier.verify(StateVerifier.placements(nodes.topology()), VERIFY_TIMEOUT);
        }
        VerifyReport.printTable(progress, verdicts);
        return verdicts;
    }

    private int continuous(RegionNodes nodes, DemoRun run, Teardown teardown) throws Exception {
        progress.println("demo: writing 2 memories a second; arrivals below (Ctrl-C to stop)");
        run.echoArrivals((region, entry) -> progress.printf("  %-11s <- %s/%s from %-10s %5d ms after the write%n",
                region, entry.getTenantId(), entry.getResourceId(), entry.getOriginRegion(),
                System.currentTimeMillis() - entry.getTimestamp().toEpochMilli()));
        MaiaClient client = new MaiaClient();
        for (int i = 0; !teardown.started(); i++) {
            writeOne(client, nodes, run, i);
            Thread.sleep(500);
            if (i % 10 == 9) {
                printTable(run.status(nodes));
                printLag(nodes);
            }
        }
        return 130;
    }

    private void writeAll(RegionNodes nodes, DemoRun run, int count) throws Exception {
        MaiaClient client = new MaiaClient();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> pending = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int n = i;
                pending.add(pool.submit(() -> {
                    writeOne(client, nodes, run, n);
                    return null;
                }));
            }
            for (Future<?> f : pending) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Places each demo tenant through the admin API, as an operator would. */
    private void place(RegionNodes nodes) throws Exception {
        MaiaClient client = new MaiaClient();
        for (DemoTenant t : TENANTS) {
            String body = Json.write(Map.of("mode", t.mode(), "primary_region", t.primary(), "replicas", t.replicas()));
            MaiaClient.Reply r = client.send("POST", nodes.node(t.primary()).endpoint() + "/admin/tenants/" + t.id() + "/placement",
                    nodes.topology().adminKey(), body);
            if (r.status() != 200) {
                throw new IllegalStateException("placing " + t.id() + " answered " + r.status() + ": " + r.body());
            }
            progress.printf("  %-8s %-10s primary %-10s held in %s%n", t.id(), t.mode(), t.primary(), t.holders());
        }
    }

    /** How long a write waits out a migration of its tenant's primary. */
    private static final Duration MIGRATION_WAIT = Duration.ofSeconds(60);

    /** Seven in ten writes go to acme (global), two to globex (replicated), one to initech (single). */
    private static void writeOne(MaiaClient client, RegionNodes nodes, DemoRun run, int n) throws Exception {
        DemoTenant tenant = TENANTS.get(n % 10 < 7 ? 0 : n % 10 < 9 ? 1 : 2);
        String region = tenant.primary();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("namespace", "demo");
        body.put("content", "memory #" + n + " of " + tenant.id() + ", written in " + region);
        body.put("tags", List.of("demo", region));
        body.put("metadata", Map.of("n", n));
        long at = System.nanoTime();
        long deadline = at + MIGRATION_WAIT.toNanos();
        MaiaClient.Reply reply;
        while (true) {
            reply = client.send("POST", nodes.node(region).endpoint() + "/v1/memories",
                    nodes.topology().tenantKeys().get(tenant.id()), Json.write(body));
            // A placement changed from another terminal (maia migrate): follow the primary, wait out the move.
            boolean moved = reply.status() == 307 && reply.header("X-MAIA-Primary-Region") != null;
            boolean migrating = reply.status() == 503 && "MIGRATING".equals(reply.body().path("code").asText());
            if (!(moved || migrating) || System.nanoTime() > deadline) {
                break;
            }
            if (moved) {
                region = reply.header("X-MAIA-Primary-Region");
            } else {
                Thread.sleep(200);
            }
        }
        if (reply.status() != 201) {
            throw new IllegalStateException("write " + n + " to " + region + " answered " + reply.status() + ": " + reply.body());
        }
        run.written(new DemoRun.Write(tenant.id(), reply.body().get("id").asText(), region, tenant.holders(), at));
    }

    private void printTable(Map<String, DemoRun.RegionStatus> status) {
        progress.printf("  %-11s %9s %8s %8s %8s%n", "region", "applied", "behind", "lag_s", "leaked");
        for (DemoRun.RegionStatus s : status.values()) {
            progress.printf("  %-11s %9s %8d %8.2f %8d%n", s.name(), s.applied() + "/" + s.expected(),
                    s.expected() - s.applied(), s.lagSeconds(), s.leaked());
        }
    }

    /** The regions' own lag monitors: the same numbers as maia lag and the metrics. */
    private void printLag(RegionNodes nodes) {
        progress.printf("  %-11s %-8s %-11s %8s %8s %8s%n", "region", "tenant", "origin", "mm2", "apply", "seconds");
        for (RegionNode node : nodes.all()) {
            for (var row : node.apply().lag()) {
                progress.printf("  %-11s %-8s %-11s %8d %8d %8.1f%n", row.region(), row.tenant(), row.origin(),
                        row.lag().mirrorRecords(), row.lag().applyRecords(), row.lag().secondsBehind());
            }
        }
    }

    private Map<String, Object> summary(DemoRun run, Map<String, DemoRun.RegionStatus> status, boolean converged) {
        Map<String, Object> out = new LinkedHashMap<>();
        List<Map<String, Object>> regions = new ArrayList<>();
        for (DemoRun.RegionStatus s : status.values()) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("name", s.name());
            r.put("applied", s.applied());
            r.put("expected", s.expected());
            r.put("converged", s.converged());
            r.put("lag_seconds", s.lagSeconds());
            r.put("leaked", s.leaked());
            regions.add(r);
        }
        out.put("regions", regions);
        out.put("writes", run.writeCount());
        out.put("converged", converged);
        out.put("seconds_to_converge", converged ? run.secondsToConverge() : null);
        List<Map<String, Object>> tenants = new ArrayList<>();
        for (DemoTenant t : TENANTS) {
            tenants.add(Map.of("tenant", t.id(), "mode", t.mode(), "primary_region", t.primary(), "held_in", t.holders()));
        }
        out.put("tenants", tenants);
        return out;
    }
}
