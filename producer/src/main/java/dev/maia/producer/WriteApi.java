package dev.maia.producer;

import dev.maia.schemas.http.Routes;
import dev.maia.schemas.read.CurrentState;
import dev.maia.schemas.wal.HybridLogicalClock;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * MAIA's write API of one region: the memory and namespace routes, both on one write sequence, one WAL,
 * one clock and one memory of this region's own writes.
 */
final class WriteApi {
    private final ResourceWriteRoutes<?> memories;
    private final ResourceWriteRoutes<?> namespaces;

    WriteApi(String region, PlacementSource placements, WalLog wal, CurrentState state, HybridLogicalClock clock,
             ReplicationWait replication, MeterRegistry registry, WriteLimits limits) {
        OwnWrites ownWrites = new OwnWrites(region);
        WalWriter writer = new WalWriter(region, placements, wal, ownWrites, registry, replication);
        ResourceChanges<?> memoryChanges = new ResourceChanges<>(region, new MemoryRequests(limits), state, ownWrites, clock, limits);
        ResourceChanges<?> namespaceChanges = new ResourceChanges<>(region, new NamespaceRequests(limits), state, ownWrites, clock, limits);
        // MAIA's API has a batch create for memories only.
        this.memories = new ResourceWriteRoutes<>(new ResourceWrites<>(memoryChanges, writer, limits.maxBatchItems()), true);
        this.namespaces = new ResourceWriteRoutes<>(new ResourceWrites<>(namespaceChanges, writer, limits.maxBatchItems()), false);
    }

    void mount(Routes router) {
        memories.mount(router);
        namespaces.mount(router);
    }
}
