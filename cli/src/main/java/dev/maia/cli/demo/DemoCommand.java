package dev.maia.cli.demo;

import dev.maia.cli.MaiaClient;
import dev.maia.cli.RegionNodes;
import dev.maia.cli.Teardown;
import dev.maia.localcluster.LocalRegions;
import dev.maia.localcluster.tls.LocalSecurity;
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
import java.util.concurrent.TimeUnit;
import java.util.TreeMap;
import java.util.concurrent.TimeoutException;

/**
 * {@code maia demo}: three real KRaft clusters, MirrorMaker 2 and a MAIA process per region on this
 * machine, sample writes through the HTTP API, and their arrival in every region.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the three-region demo on this machine (real Kafka, MirrorMaker 2, no Docker).")
public final class DemoCommand implements Callable<Integer> {
    static final List<String> REGIONS = List.of("us-west", "eu-central", "ap-tokyo");
    /** One demo tenant per placement mode; each writes in its primary region. */
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
        DemoRun run = new DemoRun(REGIONS, TENANTS);
        long startNanos = System.nanoTime();
        progress.printf("demo: starting %d KRaft clusters and MirrorMaker 2 under %s ...%n", REGIONS.size(), work);
        Teardown teardown = new Teardown(work, !keepData && workDir == null);
        Runtime.getRuntime().addShutdownHook(new Thread(teardown::run, "demo-teardown"));
        try {
            // As a deployment runs: TLS with client certificates from a CA made for this run (under the work
            // directory, owner-only), ACLs deny by default, MM2 and each region as their own principal.
            LocalRegions clusters = teardown.add(LocalRegions.builder(REGIONS, work.resolve("kafka"))
                    .security(LocalSecurity.tls(work.resolve("certs"))).start());
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
            DemoSession session = new DemoSession(nodes, REGIONS, TENANTS, run, progress, DemoWriter.MOVE_WAIT);
            session.place();
            if (topologyOut != null) {
                topology.write(topologyOut);
                progress.printf("demo: topology written to %s%n", topologyOut);
            }
            return writes == null ? continuous(session, teardown) : scripted(session, nodes);
        } catch (Exception e) {
            if (teardown.started()) {
                return 130; // Ctrl-C: the teardown hook owns the exit
            }
            throw e;
        } finally {
            teardown.run();
        }
    }

    private int scripted(DemoSession session, RegionNodes nodes) throws Exception {
        progress.printf("demo: writing %d memories for tenants %s ...%n", writes, TENANTS.stream().map(DemoTenant::id).toList());
        session.writeAll(writes);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        Map<String, DemoRun.RegionStatus> status;
        long lastTable = 0;
        while (true) {
            status = session.status();
            boolean converged = status.values().stream().allMatch(DemoRun.RegionStatus::converged);
            if (converged || System.nanoTime() > deadline) {
                break;
            }
            if (System.nanoTime() - lastTable > TimeUnit.SECONDS.toNanos(1)) {
                session.printTable(status);
                lastTable = System.nanoTime();
            }
            Thread.sleep(100);
        }
        boolean converged = status.values().stream().allMatch(DemoRun.RegionStatus::converged);
        session.printTable(status);
        double seconds = converged ? session.run().secondsToConverge(nodes) : timeoutSeconds;
        progress.printf("demo: %s in %.2f s%n", converged ? "converged" : "NOT converged", seconds);
        if (session.unacknowledged() > 0) {
            progress.printf("demo: %d of %d writes were not acknowledged (see the lines above)%n", session.unacknowledged(), writes);
        }
        List<TenantVerdict> verdicts = converged ? verify(nodes) : List.of();
        boolean verified = converged && VerifyReport.allEqual(verdicts);
        if (json) {
            Map<String, Object> summary = summary(session, status, converged, seconds);
            summary.put("verified", verified);
            summary.put("verification", VerifyReport.toJson(verdicts));
            System.out.println(Json.write(summary));
        }
        if (exitWhenConverged) {
            return verified && session.unacknowledged() == 0 ? 0 : 1;
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

    private int continuous(DemoSession session, Teardown teardown) throws Exception {
        progress.println("demo: writing 2 memories a second; arrivals below (Ctrl-C to stop)");
        session.run().echoArrivals((region, entry) -> progress.printf("  %-11s <- %s/%s from %-10s %5d ms after the write%n",
                region, entry.getTenantId(), entry.getResourceId(), entry.getOriginRegion(),
                System.currentTimeMillis() - entry.getTimestamp().toEpochMilli()));
        session.writeContinuously(teardown::started, Duration.ofMillis(500));
        return 130;
    }

    private Map<String, Object> summary(DemoSession session, Map<String, DemoRun.RegionStatus> status, boolean converged,
                                        double seconds) {
        Map<String, Object> out = new LinkedHashMap<>();
        List<Map<String, Object>> regions = new ArrayList<>();
        for (DemoRun.RegionStatus s : status.values()) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("name", s.name());
            r.put("up", s.up());
            r.put("applied", s.applied());
            r.put("expected", s.expected());
            r.put("converged", s.converged());
            r.put("lag_seconds", s.lagSeconds());
            r.put("leaked", s.leaked());
            regions.add(r);
        }
        out.put("regions", regions);
        out.put("writes", session.run().writeCount());
        out.put("unacknowledged", session.unacknowledged());
        out.put("converged", converged);
        out.put("seconds_to_converge", converged ? seconds : null);
        out.put("tenants", session.tenantsNow());
        return out;
    }
}
