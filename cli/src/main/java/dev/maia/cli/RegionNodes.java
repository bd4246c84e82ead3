package dev.maia.cli;

import dev.maia.apply.ApplyListener;
import dev.maia.localcluster.LocalRegions;
import dev.maia.schemas.topology.RegionSpec;
import dev.maia.schemas.topology.Topology;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.ExecutionException;

/**
 * A MAIA process per region of a set of local clusters, started side by side. The local MirrorMaker's task
 * states go to the registry of each flow's target region ({@code maia_mirror_task_running}), as a
 * deployment's mirror process for the flows into a region serves them.
 */
public final class RegionNodes implements AutoCloseable {
    private final Map<String, RegionNode> nodes = new LinkedHashMap<>();
    private final Map<String, MirrorTaskGauges> mirrorGauges = new LinkedHashMap<>();
    private LocalRegions regions;
    private final Map<String, RegionConfig> configs = new LinkedHashMap<>();
    private ApplyListener listener = ApplyListener.NONE;
    private Topology topology;

    private RegionNodes() {
    }

    /**
     * Starts a process per region on loopback. Ports are chosen first, so that every region knows every
     * other region's endpoint (for redirects to a tenant's primary) before any of them starts.
     */
    public static RegionNodes start(LocalRegions regions, Path workDir, ApplyListener listener,
                                    String adminKey, Map<String, String> tenantKeys) throws Exception {
        return start(regions, workDir, listener, adminKey, tenantKeys, Map.of());
    }

    /** As above, every region with the configuration keys in {@code settings} set. */
    public static RegionNodes start(LocalRegions regions, Path workDir, ApplyListener listener,
                                    String adminKey, Map<String, String> tenantKeys, Map<String, ?> settings) throws Exception {
        RegionNodes all = new RegionNodes();
        all.listener = listener;
        all.regions = regions;
        List<RegionSpec> specs = new ArrayList<>();
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (RegionSpec r : regions.topology().regions()) {
            int port = freePort();
            ports.put(r.name(), port);
            specs.add(new RegionSpec(r.name(), r.bootstrapServers(), "http://127.0.0.1:" + port));
        }
        all.topology = new Topology(specs, adminKey, tenantKeys).withControl(regions.topology().requireControl())
                .withKafkaSecurity(regions.topology().requireKafkaSecurity());
        ExecutorService pool = Executors.newFixedThreadPool(specs.size());
        try {
            List<Future<RegionNode>> starting = new ArrayList<>();
            for (RegionSpec r : specs) {
                RegionConfig config = RegionConfig.of(r.name(), r.bootstrapServers(), regions.security().region(r.name()), ports.get(r.name()),
                        workDir.resolve(r.name()), adminKey, tenantKeys).with(settings);
                all.configs.put(r.name(), config);
                starting.add(pool.submit(() -> RegionNode.start(config, all.topology, listener)));
            }
            Exception failure = null;
            for (Future<RegionNode> f : starting) {
                try {
                    RegionNode node = f.get();
                    all.nodes.put(node.region(), node);
                    all.bindMirrorGauges(node);
                } catch (ExecutionException e) {
                    failure = failure == null ? (e.getCause() instanceof Exception ex ? ex : e) : failure;
                }
            }
            if (failure != null) {
                all.close();
                throw failure;
            }
            return all;
        } finally {
            pool.shutdown();
        }
    }

    public synchronized RegionNode node(String region) {
        RegionNode node = nodes.get(region);
        if (node == null) {
            throw new IllegalArgumentException("no region " + region);
        }
        return node;
    }

    /** The region's process, unless it is stopped ({@link #stopRegion}). */
    public synchronized Optional<RegionNode> running(String region) {
        return Optional.ofNullable(nodes.get(region));
    }

    /** Stops one region's process; its data stays, so {@link #startRegion} resumes where it stopped. */
    public synchronized void stopRegion(String region) {
        RegionNode node = nodes.remove(region);
        MirrorTaskGauges gauges = mirrorGauges.remove(region);
        if (gauges != null) {
            gauges.close();
        }
        if (node != null) {
            node.close();
        }
    }

    public synchronized RegionNode startRegion(String region) throws Exception {
        return startRegion(region, configs.get(region));
    }

    /** Starts a stopped region with another configuration (kept for later restarts). */
    public synchronized RegionNode startRegion(String region, RegionConfig config) throws Exception {
        if (nodes.containsKey(region)) {
            return nodes.get(region);
        }
        configs.put(region, config);
        RegionNode node = RegionNode.start(config, topology, listener);
        nodes.put(region, node);
        bindMirrorGauges(node);
        return node;
    }

    private void bindMirrorGauges(RegionNode node) {
        String target = node.region();
        mirrorGauges.put(target, new MirrorTaskGauges(() -> regions.mirrorTaskStates().stream()
                .filter(s -> s.target().equals(target)).toList(), node.registry(), target));
    }

    public synchronized RegionConfig config(String region) {
        return configs.get(region);
    }

    public List<RegionNode> all() {
        return List.copyOf(nodes.values());
    }

    /** The topology as other commands read it: regions, their Kafka and HTTP endpoints, and the keys. */
    public Topology topology() {
        return topology;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        mirrorGauges.values().forEach(MirrorTaskGauges::close);
        mirrorGauges.clear();
        nodes.values().parallelStream().forEach(RegionNode::close);
        nodes.clear();
    }
}
