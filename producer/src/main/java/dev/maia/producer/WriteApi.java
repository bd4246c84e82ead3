package dev.maia.producer;

import dev.maia.schemas.http.Routes;
import dev.maia.schemas.read.CurrentState;
import dev.maia.schemas.wal.HybridLogicalClock;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * MAIA's write API of one region: the memory and namespace routes, both on one write sequence, one WAL,
 * one clock, one memory of this region's own writes and one set of resource locks.
 */
final class WriteApi {
    private final ResourceWriteRoutes<?> memories;
    private final ResourceWriteRoutes<?> namespaces;
    private final WalWriter writer;

    /**
     * {@code state} is the region's applied state; {@code ownWritesCapacity} bounds how many of the
     * region's own writes may wait for it ({@link OwnWrites}).
     */
    WriteApi(String region, PlacementSource placements, WalLog wal, CurrentState state, HybridLogicalClock clock,
             ReplicationWait replication, MeterRegistry registry, WriteLimits limits, int ownWritesCapacity) {
        OwnWrites ownWrites = new OwnWrites(region, state, ownWritesCapacity);
        this.writer = new WalWriter(region, placements, wal, ownWrites, registry, replication);
        ResourceLocks locks = new ResourceLocks();
        ResourceChanges<?> memoryChanges = new ResourceChanges<>(region, new MemoryRequests(limits), ownWrites, clock, limits);
        ResourceChanges<?> namespaceChanges = new ResourceChanges<>(region, new NamespaceRequests(limits), ownWrites, clock, limits);
        // MAIA's API has a batch create for memories only.
        this.memories = new ResourceWriteRoutes<>(new ResourceWrites<>(memoryChanges, writer, locks, limits.maxBatchItems()), true);
        this.namespaces = new ResourceWriteRoutes<>(new ResourceWrites<>(namespaceChanges, writer, locks, limits.maxBatchItems()), false);
    }

    /** The ends of every write, which a migration drains. */
    WalWriter writer() {
        return writer;
    }

    void mount(Routes router) {
        memories.mount(router);
        namespaces.mount(router);
    }
}
