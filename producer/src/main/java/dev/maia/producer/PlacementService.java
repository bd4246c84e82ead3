package dev.maia.producer;

import dev.maia.schemas.avro.ConflictStrategy;
import dev.maia.schemas.avro.Placement;
import dev.maia.schemas.avro.PlacementMode;
import dev.maia.schemas.avro.SyncMode;
import dev.maia.control.placement.PlacementView;
import dev.maia.control.placement.PlacementWriter;
import dev.maia.schemas.placement.Placements;
import dev.maia.schemas.topology.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * Tenant placements as the write path needs them: read from the region's {@link PlacementView}, changed
 * by appending to {@code maia.placement} with the next epoch. A tenant without a placement gets the
 * default on its first write: single, in the region that first sees it.
 */
public final class PlacementService implements PlacementSource {
    private static final Logger log = LoggerFactory.getLogger(PlacementService.class);

    private final String region;
    private final Topology topology;
    private final PlacementView view;
    private final PlacementWriter writer;

    public PlacementService(String region, Topology topology, PlacementView view, PlacementWriter writer) {
        this.region = region;
        this.topology = topology;
        this.view = view;
        this.writer = writer;
    }

    @Override
    public Optional<Placement> get(String tenant) {
        return view.get(tenant);
    }

    public List<Placement> all() {
        return view.all().values().stream().sorted(Comparator.comparing(Placement::getTenantId)).toList();
    }

    @Override
    public synchronized Placement forWrite(String tenant) throws InterruptedException {
        Optional<Placement> existing = view.get(tenant);
        if (existing.isPresent()) {
            return existing.get();
        }
        Placement created = publish(tenant, PlacementMode.single, region, List.of(), 1, null, 1, ConflictStrategy.lww);
        log.info("Tenant {} had no placement: placed single in {}", tenant, region);
        return created;
    }

    /** Validates and publishes a change; the epoch moves past every epoch this region has seen. */
    public synchronized Placement change(String tenant, PlacementMode mode, String primary, List<String> replicas,
                                         SyncMode syncMode, int minSyncReplicas, ConflictStrategy strategy)
            throws InterruptedException {
        List<String> canonical = Placements.canonicalReplicas(mode, primary, replicas, topology.regionNames());
        Placements.validateSync(syncMode, minSyncReplicas, canonical);
        long epoch = view.get(tenant).map(Placement::getEpoch).orElse(0L) + 1;
        return publish(tenant, mode, primary, canonical, epoch, syncMode, minSyncReplicas, strategy);
    }

    private Placement publish(String tenant, PlacementMode mode, String primary, List<String> replicas, long epoch,
                              SyncMode syncMode, int minSyncReplicas, ConflictStrategy strategy) throws InterruptedException {
        Placement p = Placement.newBuilder().setTenantId(tenant).setMode(mode).setPrimaryRegion(primary)
                .setReplicas(replicas).setEpoch(epoch).setUpdatedIn(region).setUpdatedAt(Instant.now())
                .setSyncMode(syncMode).setMinSyncReplicas(minSyncReplicas)
                .setConflictStrategy(strategy).build();
        try {
            writer.write(p);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("placement of " + tenant + " was not stored: " + e.getMessage(), e);
        }
        view.offer(p);
        return p;
    }

    @Override
    public Optional<String> endpoint(String regionName) {
        return topology.region(regionName).map(r -> r.endpoint());
    }
}
