package dev.maia.localcluster;

import dev.maia.control.security.AclPlan;
import dev.maia.localcluster.tls.LocalSecurity;
import dev.maia.schemas.topology.KafkaSecurity;
import dev.maia.control.config.ServiceConfig;
import dev.maia.mirror.MirrorConfig;
import dev.maia.mirror.MirrorOptions;
import dev.maia.mirror.MirrorRunner;
import dev.maia.mirror.MirrorSupervisor;
import dev.maia.mirror.MirrorTaskState;
import dev.maia.schemas.topology.RegionSpec;
import dev.maia.schemas.topology.Topology;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;

/**
 * N named regions on this machine: one {@link LocalKafkaCluster} per region and MirrorMaker 2 (full
 * mesh, {@link MirrorConfig}) between them, started in-process. {@link #start} returns only once
 * every flow really replicates (see {@link MirrorProbe}), because a running MM2 process proves nothing:
 * with a bad configuration it stays up and mirrors nothing.
 *
 * <p>With the default options MM2 runs the placement filter ({@code dev.maia.mirror.PlacementTopicFilter}):
 * a tenant's {@code maia.wal.<T>} flows only to the regions its placement (in {@code maia.placement})
 * names, and not at all until a placement is written. Write the placement first (the MAIA admin API does),
 * or start with {@code mirrorOptions().withPlacementFilter(false)} to mirror every WAL everywhere.
 *
 * <p>By default it also starts the regions' control cluster ({@link LocalControlCluster}: one Kafka
 * cluster stretched over the regions, one node per region, where the control log lives), after the
 * regional clusters and before MM2, whose placement filter reads it; {@link #controlBootstrapServers()} is
 * its address (and the topology's {@code control_bootstrap_servers}). Its nodes live under
 * {@code <workDir>/_control/} (no region alias can be {@code _control}). {@link #builder} can start without it; MM2's placement filter then needs turning off too.
 */
public final class LocalRegions implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalRegions.class);
    /** MM2 needs ~8 s to start and ~2 s more for the first records here; generous for a loaded machine. */
    public static final Duration MIRROR_READY_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration ACL_TIMEOUT = Duration.ofSeconds(30);
    /** The control cluster's directory under the work directory; '_' is not allowed in a region alias. */
    static final String CONTROL_DIRECTORY = "_control";

    private final Map<String, LocalKafkaCluster> clusters;
    private final Topology topology;
    private final MirrorOptions mirrorOptions;
    private MirrorSupervisor mirror;
    /** Null when started without one. */
    private final LocalControlCluster control;
    private final LocalSecurity security;
    private boolean closed;

    private LocalRegions(Map<String, LocalKafkaCluster> clusters, LocalControlCluster control, MirrorOptions mirrorOptions,
                         LocalSecurity security) {
        this.clusters = clusters;
        this.security = security;
        this.control = control;
        this.mirrorOptions = mirrorOptions;
        List<RegionSpec> specs = new ArrayList<>();
        clusters.forEach((name, c) -> specs.add(new RegionSpec(name, c.bootstrapServers(), null)));
        // The harness's tools (the CLI against these regions, tests) reach them as the admin.
        Topology regions = new Topology(specs).withKafkaSecurity(security.admin());
        this.topology = control == null ? regions : regions.withControl(control.bootstrapServers());
    }

    /** The regions with the default MM2 options and their control cluster. */
    public static LocalRegions start(List<String> regionNames, Path workDir) {
        return builder(regionNames, workDir).start();
    }

    /** The regions with these MM2 options and their control cluster. */
    public static LocalRegions start(List<String> regionNames, Path workDir, MirrorOptions mirrorOptions) {
        return builder(regionNames, workDir).mirrorOptions(mirrorOptions).start();
    }

    /** What to start: by default {@link #mirrorOptions()} and a control cluster. */
    public static Builder builder(List<String> regionNames, Path workDir) {
        return new Builder(regionNames, workDir);
    }

    /**
     * MM2's options on these clusters: the declared defaults, plaintext said explicitly (the regions put
     * MM2's own certificate in its place when they run TLS), and one replica for every topic MM2 creates,
     * since each cluster is one broker (the default, -1, would take the broker's default, which is 1 here
     * too; set explicitly so these clusters never depend on it).
     */
    public static MirrorOptions mirrorOptions() {
        Map<String, Object> values = new HashMap<>(ServiceConfig.kafkaSecurityValues(KafkaSecurity.plaintext()));
        values.put(MirrorOptions.REPLICATION_FACTOR, 1);
        return MirrorOptions.of(values);
    }

    /** The options of {@link LocalRegions#builder}; {@link #start()} starts them. */
    public static final class Builder {
        private final List<String> regionNames;
        private final Path workDir;
        private MirrorOptions mirrorOptions = LocalRegions.mirrorOptions();
        private boolean controlCluster = true;
        private LocalSecurity security = LocalSecurity.plaintext();

        private Builder(List<String> regionNames, Path workDir) {
            this.regionNames = regionNames;
            this.workDir = workDir;
        }

        public Builder mirrorOptions(MirrorOptions options) {
            this.mirrorOptions = options;
            return this;
        }

        /**
         * TLS listeners requiring client certificates and ACLs (deny by default, {@link AclPlan}) on every
         * cluster, MM2 connecting as its own principal; default plaintext, for tests about other things.
         */
        public Builder security(LocalSecurity security) {
            this.security = security;
            return this;
        }

        /** Whether to start the regions' control cluster too (default: yes). */
        public Builder controlCluster(boolean start) {
            this.controlCluster = start;
            return this;
        }

        /**
         * Starts the regional clusters in parallel (in one JVM the second and later ones take ~1 s, so
         * overlapping them saves a little even on two cores), then the control cluster, then MM2, then
         * waits for mirroring. On any failure everything already started is stopped before the exception
         * propagates.
         */
        public LocalRegions start() {
            return LocalRegions.start(this);
        }
    }

    private static LocalRegions start(Builder b) {
        List<String> regionNames = b.regionNames;
        if (regionNames == null || regionNames.isEmpty()) {
            throw new IllegalArgumentException("at least one region is required");
        }
        if (regionNames.stream().distinct().count() != regionNames.size()) {
            throw new IllegalArgumentException("duplicate region names: " + regionNames);
        }
        // Validates aliases before anything starts.
        new Topology(regionNames.stream().map(n -> new RegionSpec(n, "unused:0", null)).toList());
        long t0 = System.nanoTime();
        Map<String, LocalKafkaCluster> clusters = startClusters(regionNames, b.workDir, b.security);
        // After the regional clusters, whose first starts are CPU-bound class loading that the control
        // nodes would only slow down; before MM2, whose placement filter reads the control log.
        LocalControlCluster control = null;
        if (b.controlCluster) {
            try {
                control = LocalControlCluster.start(regionNames, b.workDir.resolve(CONTROL_DIRECTORY), b.security);
            } catch (RuntimeException | Error e) {
                clusters.values().forEach(LocalKafkaCluster::close);
                throw e;
            }
        }
        LocalRegions regions = new LocalRegions(clusters, control, b.mirrorOptions, b.security);
        try {
            regions.grantAcls();
            regions.startMirror();
        } catch (RuntimeException | Error e) {
            regions.close();
            throw e;
        }
        log.info("regions {} up and mirroring{} in {} ms", regionNames,
                control != null ? ", control cluster at " + control.bootstrapServers() : "",
                (System.nanoTime() - t0) / 1_000_000);
        return regions;
    }

    private static Map<String, LocalKafkaCluster> startClusters(List<String> names, Path workDir, LocalSecurity security) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(names.size(), 3), r -> {
            Thread t = new Thread(r, "maia-cluster-start");
            t.setDaemon(true);
            return t;
        });
        Map<String, Future<LocalKafkaCluster>> futures = new LinkedHashMap<>();
        try {
            names.forEach(n -> futures.put(n, pool.submit(() -> LocalKafkaCluster.start(n, workDir, security))));
            ParallelStarts.Outcome<String, LocalKafkaCluster> outcome = ParallelStarts.awaitAll(futures);
            Map<String, LocalKafkaCluster> started = outcome.started();
            Throwable failure = outcome.failure();
            if (failure != null) {
                started.values().forEach(LocalKafkaCluster::close);
                throw new IllegalStateException("could not start clusters " + names, failure);
            }
            return started;
        } finally {
            pool.shutdown();
        }
    }

    /** Every principal's ACLs in every cluster, before anything but the admin connects. */
    private void grantAcls() {
        if (!security.isTls()) {
            return;
        }
        List<String> names = regionNames();
        try {
            for (LocalKafkaCluster c : clusters.values()) {
                try (Admin admin = Admin.create(c.adminConfig())) {
                    AclPlan.apply(admin, AclPlan.regionCluster(c.name(), names), ACL_TIMEOUT.toMillis());
                }
            }
            if (control != null) {
                try (Admin admin = Admin.create(control.adminConfig())) {
                    AclPlan.apply(admin, AclPlan.controlCluster(names), ACL_TIMEOUT.toMillis());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating ACLs", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not create the ACLs of " + names, e);
        }
    }

    /** The options given, with MM2's own certificate on every cluster. */
    private MirrorOptions mirrorOptionsInUse() {
        return mirrorOptions.with(ServiceConfig.kafkaSecurityValues(security.mirror()));
    }

    /** How the clusters are secured; the certificates of every principal. */
    public LocalSecurity security() {
        return security;
    }

    public Topology topology() {
        return topology;
    }

    public List<String> regionNames() {
        return topology.regionNames();
    }

    public LocalKafkaCluster cluster(String region) {
        LocalKafkaCluster c = clusters.get(region);
        if (c == null) {
            throw new IllegalArgumentException("no region '" + region + "' (known: " + clusters.keySet() + ")");
        }
        return c;
    }

    public String bootstrapServers(String region) {
        return cluster(region).bootstrapServers();
    }

    public boolean hasControlCluster() {
        return control != null;
    }

    /**
     * The regions' control cluster.
     *
     * @throws IllegalStateException if these regions were started without one
     */
    public LocalControlCluster controlCluster() {
        if (control == null) {
            throw new IllegalStateException("these regions were started without a control cluster");
        }
        return control;
    }

    /** Every control node's {@code 127.0.0.1:<port>}, comma-separated: where the control log lives. */
    public String controlBootstrapServers() {
        return controlCluster().bootstrapServers();
    }

    /** The MM2 configuration in use (for logs, or to write a {@code .properties} file). */
    public Map<String, String> mirrorConfig() {
        return MirrorConfig.generate(topology, mirrorOptionsInUse());
    }

    /** The task states of the running MirrorMaker's flows (none while it is stopped). */
    public List<MirrorTaskState> mirrorTaskStates() {
        MirrorSupervisor m;
        synchronized (this) {
            m = mirror;
        }
        return m == null ? List.of() : m.taskStates();
    }

    public synchronized boolean isMirrorRunning() {
        return mirror != null && mirror.isRunning();
    }

    /** Stops MM2 (8-12 s here); the clusters keep running. Idempotent. */
    public synchronized void stopMirror() {
        if (mirror == null) {
            return;
        }
        MirrorSupervisor m = mirror;
        mirror = null;
        m.close();
    }

    /**
     * Starts MM2 (a new instance: MM2 objects are single-use) and waits until every flow replicates.
     * MM2 resumes from the offsets it committed in the clusters, so records written while it was stopped
     * are copied now (at-least-once: a few may arrive twice). Supervised as {@code maia mirror} runs it
     * ({@link MirrorSupervisor}: restarted when a task has not run for {@code mirror_restart_after_ms}).
     * Idempotent while running.
     */
    public synchronized void startMirror() {
        if (closed) {
            throw new IllegalStateException("regions are closed");
        }
        if (mirror != null) {
            return;
        }
        if (clusters.size() < 2) {
            log.info("one region only: nothing to mirror");
            return;
        }
        EmbeddedExit.install();
        try (MirrorProbe probe = new MirrorProbe(topology, security.monitor())) {
            Map<MirrorProbe.Flow, Long> before = probe.snapshot();
            MirrorOptions options = mirrorOptionsInUse();
            MirrorSupervisor m = new MirrorSupervisor(() -> MirrorRunner.forTopology(topology, options), options.restartAfter());
            mirror = m;
            try {
                m.start();
                probe.awaitProgress(before, MIRROR_READY_TIMEOUT);
            } catch (RuntimeException e) {
                // An MM2 that does not replicate is worse than none: stop it so a retry starts clean.
                mirror = null;
                m.close();
                throw e;
            }
        }
    }

    /**
     * Stops MM2, then every regional cluster, then the control cluster. Never throws; safe on a partly
     * started or already closed instance.
     */
    @Override
    public void close() {
        LocalControlCluster c;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            c = control;
        }
        // The control cluster's last node waits out Kafka's 5 s Raft shutdown (no quorum is left to hand
        // over to), MM2 its 8-12 s: side by side, neither waits for the other.
        Thread controlStop = null;
        if (c != null) {
            controlStop = new Thread(c::close, "maia-control-cluster-stop");
            controlStop.setDaemon(true);
            controlStop.start();
        }
        try {
            stopMirror();
        } catch (RuntimeException e) {
            log.warn("error stopping MirrorMaker 2", e);
        }
        for (LocalKafkaCluster k : clusters.values()) {
            try {
                k.close();
            } catch (RuntimeException e) {
                log.warn("error stopping cluster {}", k.name(), e);
            }
        }
        if (controlStop != null) {
            joinUninterruptibly(controlStop);
        }
        log.info("regions {} stopped", clusters.keySet());
    }

    private static void joinUninterruptibly(Thread t) {
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
