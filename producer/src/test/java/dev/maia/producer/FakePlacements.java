package dev.maia.producer;

import dev.maia.schemas.avro.ConflictStrategy;
import dev.maia.schemas.avro.Placement;
import dev.maia.schemas.avro.PlacementMode;
import dev.maia.schemas.avro.SyncMode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/** Placements in a map; a tenant without one gets the default (single, here) on its first create, as in a region. */
final class FakePlacements implements PlacementSource {
    private final String region;
    private final Map<String, Placement> byTenant = new ConcurrentHashMap<>();
    private final List<String> defaulted = new ArrayList<>();

    FakePlacements(String region) {
        this.region = region;
    }

    /** Places the tenant with {@code primary} as its primary; replicas and a sync mode are optional. */
    void place(String tenant, String primary, long epoch, List<String> replicas, SyncMode syncMode) {
        byTenant.put(tenant, Placement.newBuilder().setTenantId(tenant)
                .setMode(replicas.isEmpty() ? PlacementMode.single : PlacementMode.replicated)
                .setPrimaryRegion(primary).setReplicas(replicas).setEpoch(epoch).setUpdatedIn(primary)
                .setUpdatedAt(Instant.EPOCH).setSyncMode(syncMode).setMinSyncReplicas(1).build());
    }

    void place(String tenant, String primary, long epoch) {
        place(tenant, primary, epoch, List.of(), null);
    }

    /** Replaces the tenant's placement by what {@code change} makes of it, as a change read from the control log. */
    void change(String tenant, UnaryOperator<Placement> change) {
        byTenant.computeIfPresent(tenant, (t, p) -> change.apply(p));
    }

    /** Changes the tenant's conflict strategy, nothing else. */
    void strategy(String tenant, ConflictStrategy strategy) {
        byTenant.computeIfPresent(tenant, (t, p) -> Placement.newBuilder(p).setConflictStrategy(strategy).build());
    }

    /** The tenants that were given the default placement by a write. */
    List<String> defaulted() {
        return List.copyOf(defaulted);
    }

    /** Whether the region holds its lease; true until a test takes it away. */
    volatile boolean lease = true;

    @Override
    public boolean holdsLease() {
        return lease;
    }

    @Override
    public Optional<Placement> get(String tenant) {
        return Optional.ofNullable(byTenant.get(tenant));
    }

    @Override
    public synchronized Placement forWrite(String tenant) {
        if (!byTenant.containsKey(tenant)) {
            place(tenant, region, 1);
            defaulted.add(tenant);
        }
        return byTenant.get(tenant);
    }

    @Override
    public Optional<String> endpoint(String regionName) {
        return Optional.of("http://" + regionName + ".test:8080");
    }
}
