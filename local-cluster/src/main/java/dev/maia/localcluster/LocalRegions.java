package dev.maia.localcluster;

import dev.maia.mirror.MirrorConfig;
import dev.maia.mirror.MirrorOptions;
import dev.maia.mirror.MirrorRunner;
import dev.maia.schemas.topology.RegionSpec;
import dev.maia.schemas.topology.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

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
 */
public final class LocalRegions implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalRegions.class);
    /** MM2 needs ~8 s to start and ~2 s more for the first records here; generous for a loaded machine. */
    public static final Duration MIRROR_READY_TIMEOUT = Duration.ofSeconds(120);

    private final Map<String, LocalKafkaCluster> clusters;
    private final Topology topology;
    private final MirrorOptions mirrorOptions;
    private MirrorRunner mirror;
    private boolean closed;

    private LocalRegions(Map<String, LocalKafkaCluster> clusters, MirrorOptions mirrorOptions) {
        this.clusters = clusters;
        this.mirrorOptions = mirrorOptions;
        List<RegionSpec> specs = new ArrayList<>();
        clusters.forEach((name, c) -> specs.add(new RegionSpec(name, c.bootstrapServers(), null)));
        this.topology = new Topology(specs);
    }

    public static LocalRegions start(List<String> regionNames, Path workDir) {
        return start(regionNames, workDir, mirrorOptions());
    }

    /**
     * MM2's options on these clusters: the declared defaults, but one replica for every topic MM2 creates,
     * since each cluster is one broker (the default, -1, would take the broker's default, which is 1 here
     * too; set explicitly so these clusters never depend on it).
     */
    public static MirrorOptions mirrorOptions() {
        return MirrorOptions.defaults().with(Map.of(MirrorOptions.REPLICATION_FACTOR, 1));
    }

    /**
     * Starts the clusters in parallel (in one JVM the second and later ones take ~1 s, so overlapping
     * them saves a little even on two cores), then MM2, then waits for mirroring. On any failure
     * everything already started is stopped before the exception propagates.
     */
    public static LocalRegions start(List<String> regionNames, Path workDir, MirrorOptions mirrorOptions) {
        if (regionNames == null || regionNames.isEmpty()) {
            throw new IllegalArgumentException("at least one region is required");
        }
        if (regionNames.stream().distinct().count() != regionNames.size()) {
            throw new IllegalArgumentException("duplicate region names: " + regionNames);
        }
        // Validates aliases before anything starts.
        new Topology(regionNames.stream().map(n -> new RegionSpec(n, "unused:0", null)).toList());
        long t0 = System.nanoTime();
        Map<String, LocalKafkaCluster> started = startClusters(regionNames, workDir);
        LocalRegions regions = new LocalRegions(started, mirrorOptions);
        try {
            regions.startMirror();
        } catch (RuntimeException | Error e) {
            regions.close();
            throw e;
        }
        log.info("regions {} up and mirroring in {} ms", regionNames, (System.nanoTime() - t0) / 1_000_000);
        return regions;
    }

    private static Map<String, LocalKafkaCluster> startClusters(List<String> names, Path workDir) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(names.size(), 3), r -> {
            Thread t = new Thread(r, "maia-cluster-start");
            t.setDaemon(true);
            return t;
        });
        Map<String, Future<LocalKafkaCluster>> futures = new LinkedHashMap<>();
        try {
            names.forEach(n -> futures.put(n, pool.submit(() -> LocalKafkaCluster.start(n, workDir))));
            Map<String, LocalKafkaCluster> started = new LinkedHashMap<>();
            Throwable failure = null;
            // Wait for every start, even after a failure, so none is left running unowned.
            boolean interrupted = false;
            for (Map.Entry<String, Future<LocalKafkaCluster>> e : futures.entrySet()) {
                while (true) {
                    try {
                        started.put(e.getKey(), e.getValue().get());
                        break;
                    } catch (ExecutionException ex) {
                        failure = failure == null ? ex.getCause() : failure;
                        break;
                    } catch (InterruptedException ex) {
                        // Keep waiting (a start is bounded): an abandoned start would leave a broker running.
                        interrupted = true;
                        failure = failure == null ? ex : failure;
                    }
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            if (failure != null) {
                started.values().forEach(LocalKafkaCluster::close);
                throw new IllegalStateException("could not start clusters " + names, failure);
            }
            return started;
        } finally {
            pool.shutdown();
        }
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

    /** The MM2 configuration in use (for logs, or to write a {@code .properties} file). */
    public Map<String, String> mirrorConfig() {
        return MirrorConfig.generate(topology, mirrorOptions);
    }

    public synchronized boolean isMirrorRunning() {
        return mirror != null && mirror.isRunning();
    }

    /** Stops MM2 (8-12 s here); the clusters keep running. Idempotent. */
    public synchronized void stopMirror() {
        if (mirror == null) {
            return;
        }
        MirrorRunner m = mirror;
        mirror = null;
        m.stop();
    }

    /**
     * Starts MM2 (a new instance: MM2 objects are single-use) and waits until every flow replicates.
     * MM2 resumes from the offsets it committed in the clusters, so records written while it was stopped
     * are copied now (at-least-once: a few may arrive twice). Idempotent while running.
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
        try (MirrorProbe probe = new MirrorProbe(topology)) {
            Map<MirrorProbe.Flow, Long> before = probe.snapshot();
            MirrorRunner m = MirrorRunner.forTopology(topology, mirrorOptions);
            mirror = m;
            try {
                m.start();
                probe.awaitProgress(before, MIRROR_READY_TIMEOUT);
            } catch (RuntimeException e) {
                // An MM2 that does not replicate is worse than none: stop it so a retry starts clean.
                mirror = null;
                m.stop();
                throw e;
            }
        }
    }

    /** Stops MM2, then every cluster. Never throws; safe on a partly started or already closed instance. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            stopMirror();
        } catch (RuntimeException e) {
            log.warn("error stopping MirrorMaker 2", e);
        }
        for (LocalKafkaCluster c : clusters.values()) {
            try {
                c.close();
            } catch (RuntimeException e) {
                log.warn("error stopping cluster {}", c.name(), e);
            }
        }
        log.info("regions {} stopped", clusters.keySet());
    }
}
