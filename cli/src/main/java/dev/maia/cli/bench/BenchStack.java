package dev.maia.cli.bench;

import dev.maia.schemas.topology.KafkaSecurity;
import dev.maia.cli.MaiaClient;
import dev.maia.cli.RegionNodes;
import dev.maia.cli.Teardown;
import dev.maia.cli.produce.KafkaProduceSink;
import dev.maia.cli.server.ApiKeyring;
import dev.maia.localcluster.LocalRegions;
import dev.maia.localcluster.tls.LocalSecurity;
import dev.maia.producer.WriteConfig;
import dev.maia.schemas.http.Json;
import dev.maia.schemas.topology.RegionSpec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What every part of a bench run shares, started once (as {@code maia demo} does): three local regions
 * (KRaft clusters and MirrorMaker 2), a MAIA process per region reporting to one {@link BenchListener},
 * the bench's tenants with their API keys, and Kafka's perf tools. One stack for all the parts, so that
 * they measure the same processes; everything it starts is handed to the run's {@link Teardown}.
 *
 * @param startNanos  when the run began: the run's own clock
 * @param loadAtStart the load average before the stack added its own load
 * @param keys        tenant to API key, for the HTTP writes
 */
record BenchStack(long startNanos, String loadAtStart, Progress progress, RegionNodes nodes, BenchListener listener,
                  Map<String, String> keys, KafkaPerfTools perfTools, MaiaClient client) {

    static final String PRIMARY = "us-west";
    static final String FOLLOWER = "eu-central";
    static final List<String> REGIONS = List.of(PRIMARY, FOLLOWER, "ap-tokyo");
    static final List<String> SYNC_MODES = List.of("async", "semi-sync", "sync");

    /** single in us-west: the library's appends, then the apply part's backlog; never mirrored. */
    static final String T_PRODUCE = "bench-produce";
    /** single in us-west: the HTTP writes. */
    static final String T_HTTP = "bench-http";
    /** global, primary us-west: the lag part. */
    static final String T_LAG = "bench-lag";
    /** global, primary us-west: the catch-up part. */
    static final String T_CATCHUP = "bench-catchup";
    /** global, primary us-west: the WAL-disk part. */
    static final String T_WAL = "bench-wal";

    /** The sync part's tenant for one sync mode; placed by that part, which is how it learns whether modes exist. */
    static String syncTenant(String mode) {
        return "bench-sync-" + mode.replace("-", "");
    }

    /** Starts the clusters, MirrorMaker 2 and the MAIA processes under {@code work}, and places the tenants. */
    static BenchStack start(Path work, Teardown teardown, Progress progress) throws Exception {
        // Registered first so that it runs last: a perf tool still running is killed whatever failed before it.
        AtomicReference<Process> child = new AtomicReference<>();
        teardown.add(() -> {
            Process p = child.get();
            if (p != null && p.isAlive()) {
                p.destroyForcibly();
            }
        });
        long t0 = System.nanoTime();
        String loadAtStart = Machine.loadAverage();
        progress.say("bench: starting %d KRaft clusters and MirrorMaker 2 under %s (load average %s) ...", REGIONS.size(), work, loadAtStart);
        // Plaintext, said here: the bench compares with Kafka's own tools on the same listeners.
        LocalRegions regions = teardown.add(LocalRegions.builder(REGIONS, work.resolve("kafka"))
                .security(LocalSecurity.plaintext()).start());
        Map<String, String> keys = new TreeMap<>();
        for (String t : List.of(T_PRODUCE, T_HTTP, T_LAG, T_CATCHUP, T_WAL)) {
            keys.put(t, ApiKeyring.newKey());
        }
        SYNC_MODES.forEach(m -> keys.put(syncTenant(m), ApiKeyring.newKey()));
        BenchListener listener = new BenchListener();
        String adminKey = ApiKeyring.newKey();
        // The bench stops regions on purpose (a backlog to apply, a follower to catch up): a failover would move
        // the tenants it measures to another region mid-part, so failover is left to an operator here.
        RegionNodes nodes = teardown.add(RegionNodes.start(regions, work.resolve("regions"), listener, adminKey, keys,
                Map.of(WriteConfig.FAILOVER_AUTOMATIC, false)));
        progress.say("bench: %d regions with MAIA processes up in %.1f s", REGIONS.size(), (System.nanoTime() - t0) / 1e9);
        BenchStack stack = new BenchStack(t0, loadAtStart, progress, nodes, listener, keys,
                new KafkaPerfTools(work.resolve("perf-tools.log"), child::set), new MaiaClient());
        stack.place(T_PRODUCE, "single", Map.of());
        stack.place(T_HTTP, "single", Map.of());
        stack.place(T_LAG, "global", Map.of());
        stack.place(T_CATCHUP, "global", Map.of());
        stack.place(T_WAL, "global", Map.of());
        return stack;
    }

    /** Seconds since {@link #start} began. */
    double secondsSinceStart() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    RegionSpec region(String name) {
        return nodes.topology().requireRegion(name);
    }

    /** How the bench's own clients reach the clusters: as the tools do, by the topology's kafka_security. */
    KafkaSecurity security() {
        return nodes.topology().requireKafkaSecurity();
    }

    /** A client configuration for the region's cluster, with {@link #security()}. */
    Map<String, Object> kafkaClient(RegionSpec region) {
        return security().clientConfig(region.bootstrapServers());
    }

    /** The producer library's path into a region, with the deployment's partition count. */
    KafkaProduceSink kafkaSink(RegionSpec region) throws InterruptedException, TimeoutException {
        return KafkaProduceSink.open(nodes.topology(), region, Optional.empty());
    }

    String endpoint(String region) {
        return nodes.node(region).endpoint();
    }

    void place(String tenant, String mode, Map<String, Object> extra) throws Exception {
        MaiaClient.Reply r = placeReply(tenant, mode, extra);
        if (r.status() != 200) {
            throw new IllegalStateException("placing " + tenant + " answered " + r.status() + ": " + r.body());
        }
    }

    /** Places a tenant with its primary in us-west, no replicas; returns the answer, whatever it is. */
    MaiaClient.Reply placeReply(String tenant, String mode, Map<String, Object> extra) throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("mode", mode);
        body.put("primary_region", PRIMARY);
        body.put("replicas", List.of());
        body.putAll(extra);
        return client.send("POST", endpoint(PRIMARY) + "/admin/tenants/" + tenant + "/placement",
                nodes.topology().adminKey(), Json.write(body));
    }

    /** Waits until the region applied {@code n} entries of the tenant (since the last reset); fails if apply stopped. */
    void awaitApplied(String region, String tenant, long n) throws InterruptedException {
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
}
