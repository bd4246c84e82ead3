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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** A MAIA process per region of a set of local clusters, started side by side. */
public final class RegionNodes implements AutoCloseable {
    private final Map<String, RegionNode> nodes = new LinkedHashMap<>();
    private final Map<String, RegionConfig> configs = new LinkedHashMap<>();
    private ApplyListener listener = ApplyListener.NONE;

    private RegionNodes() {
    }

    public static RegionNodes start(LocalRegions regions, Path workDir, ApplyListener listener) throws Exception {
        RegionNodes all = new RegionNodes();
        all.listener = listener;
        ExecutorService pool = Executors.newFixedThreadPool(regions.topology().regions().size());
        try {
            List<Future<RegionNode>> starting = new ArrayList<>();
            for (RegionSpec r : regions.topology().regions()) {
                RegionConfig config = RegionConfig.of(r.name(), r.bootstrapServers(), workDir.resolve(r.name()));
                all.configs.put(r.name(), config);
                starting.add(pool.submit(() -> RegionNode.start(config, listener)));
            }
            Exception failure = null;
            for (Future<RegionNode> f : starting) {
                try {
                    RegionNode node = f.get();
                    all.nodes.put(node.region(), node);
                } catch (java.util.concurrent.ExecutionException e) {
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

    /** Stops one region's process; its data stays, so {@link #startRegion} resumes where it stopped. */
    public synchronized void stopRegion(String region) {
        RegionNode node = nodes.remove(region);
        if (node != null) {
            node.close();
        }
    }

    public synchronized RegionNode startRegion(String region) throws Exception {
        if (nodes.containsKey(region)) {
            return nodes.get(region);
        }
        RegionNode node = RegionNode.start(configs.get(region), listener);
        nodes.put(region, node);
        return node;
    }

    public List<RegionNode> all() {
        return List.copyOf(nodes.values());
    }

    /** The topology as other commands read it: the clusters plus each region's HTTP endpoint. */
    public Topology topology(Topology clusters) {
        List<RegionSpec> regions = new ArrayList<>();
        for (RegionSpec r : clusters.regions()) {
            regions.add(new RegionSpec(r.name(), r.bootstrapServers(), node(r.name()).endpoint()));
        }
        return new Topology(regions, clusters.adminKey(), clusters.tenantKeys());
    }

    @Override
    public void close() {
        nodes.values().parallelStream().forEach(RegionNode::close);
        nodes.clear();
    }
}
