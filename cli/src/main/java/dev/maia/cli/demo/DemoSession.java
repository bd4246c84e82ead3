package dev.maia.cli.demo;

import dev.maia.cli.MaiaClient;
import dev.maia.cli.RegionNode;
import dev.maia.cli.RegionNodes;
import dev.maia.schemas.http.Json;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * The demo once its regions run: it places its tenants, writes, and shows where the writes are. Its regions
 * are shared with whoever uses them meanwhile (placements changed, tenants moved or deleted, a region
 * stopped), so nothing here ends on those: writes follow the placement ({@link DemoWriter}), convergence
 * is judged by the placement in effect ({@link DemoRun}), and a stopped region is shown down until it is back.
 */
final class DemoSession {
    private final RegionNodes nodes;
    private final List<String> regions;
    private final List<DemoTenant> tenants;
    private final PrintStream progress;
    private final DemoRun run;
    private final DemoWriter writer;
    private final AtomicInteger unacknowledged = new AtomicInteger();
    private final Map<String, Boolean> regionUp = new ConcurrentHashMap<>();

    /** {@code tenants}: one global, one replicated and one single tenant, in that order (7, 2 and 1 write in 10). */
    DemoSession(RegionNodes nodes, List<String> regions, List<DemoTenant> tenants, DemoRun run, PrintStream progress,
                Duration moveWait) {
        if (tenants.size() != 3) {
            throw new IllegalArgumentException("the demo writes three tenants, got " + tenants.size());
        }
        this.nodes = nodes;
        this.regions = regions;
        this.tenants = tenants;
        this.run = run;
        this.progress = progress;
        this.writer = new DemoWriter(new MaiaClient(), nodes.topology(), moveWait, line -> progress.println("demo: " + line));
    }

    DemoRun run() {
        return run;
    }

    /** Writes that were not acknowledged (a region down, a tenant refused, a move longer than the wait). */
    int unacknowledged() {
        return unacknowledged.get();
    }

    /** Places each demo tenant through the admin API, as an operator would. */
    void place() throws Exception {
        MaiaClient client = new MaiaClient();
        for (DemoTenant t : tenants) {
            String body = Json.write(Map.of("mode", t.mode(), "primary_region", t.primary(), "replicas", t.replicas()));
            MaiaClient.Reply r = client.send("POST", nodes.node(t.primary()).endpoint() + "/admin/tenants/" + t.id() + "/placement",
                    nodes.topology().adminKey(), body);
            if (r.status() != 200) {
                throw new IllegalStateException("placing " + t.id() + " answered " + r.status() + ": " + r.body());
            }
            progress.printf("  %-8s %-10s primary %-10s held in %s%n", t.id(), t.mode(), t.primary(), t.holders(regions));
        }
    }

    /** Writes one memory per {@code interval} until {@code stop}; a table and the lag every ten writes. */
    void writeContinuously(BooleanSupplier stop, Duration interval) throws InterruptedException {
        for (int i = 0; !stop.getAsBoolean(); i++) {
            writeOne(i);
            Thread.sleep(interval.toMillis());
            if (i % 10 == 9) {
                try {
                    printTable(status());
                    printLag();
                } catch (RuntimeException e) {
                    // A region stopping under the table (its store or lag monitor closing): the next table shows it down.
                    progress.printf("demo: table skipped (%s)%n", e.getMessage());
                }
            }
        }
    }

    /** Writes {@code count} memories, eight at a time; answers how many were acknowledged. */
    int writeAll(int count) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> pending = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int n = i;
                pending.add(pool.submit(() -> writeOne(n)));
            }
            int acknowledged = 0;
            for (Future<Boolean> f : pending) {
                acknowledged += f.get() ? 1 : 0;
            }
            return acknowledged;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Seven in ten writes go to the global tenant, two to the replicated one, one to the single one. */
    boolean writeOne(int n) throws InterruptedException {
        DemoTenant tenant = tenants.get(n % 10 < 7 ? 0 : n % 10 < 9 ? 1 : 2);
        String region = writer.primaryOf(tenant);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("namespace", "demo");
        body.put("content", "memory #" + n + " of " + tenant.id() + ", written in " + region);
        body.put("tags", List.of("demo", region));
        body.put("metadata", Map.of("n", n));
        DemoWriter.Outcome outcome = writer.write(tenant, body);
        if (outcome instanceof DemoWriter.Acknowledged a) {
            run.written(new DemoRun.Write(a.tenant(), a.id(), a.region(), a.writtenAtNanos()));
            return true;
        }
        unacknowledged.incrementAndGet();
        return false;
    }

    /** Where the writes are now; says once when a region goes down or comes back. */
    Map<String, DemoRun.RegionStatus> status() {
        Map<String, DemoRun.RegionStatus> status = run.status(nodes);
        for (DemoRun.RegionStatus s : status.values()) {
            Boolean before = regionUp.put(s.name(), s.up());
            if (before != null && before != s.up()) {
                progress.printf(s.up() ? "demo: %s is back: counting what it holds again%n"
                        : "demo: %s is down: writing to the other regions, counting it again when it is back%n", s.name());
            }
        }
        return status;
    }

    void printTable(Map<String, DemoRun.RegionStatus> status) {
        progress.printf("  %-11s %-5s %9s %8s %8s %8s%n", "region", "state", "applied", "behind", "lag_s", "leaked");
        for (DemoRun.RegionStatus s : status.values()) {
            progress.printf("  %-11s %-5s %9s %8d %8.2f %8d%n", s.name(), s.up() ? "up" : "down", s.applied() + "/" + s.expected(),
                    s.expected() - s.applied(), s.lagSeconds(), s.leaked());
        }
    }

    /** The regions' own lag monitors: the same numbers as maia lag and the metrics. */
    void printLag() {
        progress.printf("  %-11s %-8s %-11s %8s %8s %8s%n", "region", "tenant", "origin", "mm2", "apply", "seconds");
        for (RegionNode node : nodes.all()) {
            for (var row : node.apply().lag()) {
                progress.printf("  %-11s %-8s %-11s %8d %8d %8.1f%n", row.region(), row.tenant(), row.origin(),
                        row.lag().mirrorRecords(), row.lag().applyRecords(), row.lag().secondsBehind());
            }
        }
    }

    /** Per tenant, its planned mode and primary, and where it is held now. */
    List<Map<String, Object>> tenantsNow() {
        Map<String, List<String>> holders = run.holders(nodes);
        List<Map<String, Object>> out = new ArrayList<>();
        for (DemoTenant t : tenants) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("tenant", t.id());
            row.put("mode", t.mode());
            row.put("primary_region", writer.primaryOf(t));
            row.put("held_in", holders.get(t.id()));
            out.add(row);
        }
        return out;
    }
}
