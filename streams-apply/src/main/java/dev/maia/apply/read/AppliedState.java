package dev.maia.apply.read;

import dev.maia.apply.position.PositionTracker;
import dev.maia.apply.store.ReplicaStore;
import dev.maia.schemas.avro.ResourceType;
import dev.maia.schemas.avro.WALEntry;
import dev.maia.schemas.read.CurrentState;

import java.util.List;
import java.util.Optional;

/** What the write path may know of this region's applied state: a resource's winning entry, and progress. */
public final class AppliedState implements CurrentState {
    private final ReplicaStore store;
    private final PositionTracker positions;

    public AppliedState(ReplicaStore store, PositionTracker positions) {
        this.store = store;
        this.positions = positions;
    }

    @Override
    public Optional<WALEntry> current(String tenantId, ResourceType type, String resourceId) {
        return store.current(tenantId, type, resourceId);
    }

    @Override
    public List<String> namespacesNamed(String tenantId, String name) {
        return store.namespacesNamed(tenantId, name);
    }

    /**
     * Past the offset: applied, or dead-lettered (then never applied, and the write path must not wait for it,
     * nor keep it in its overlay as pending: the state it reads is the one without it).
     */
    @Override
    public Optional<QuotaReached> quotaReached(String tenantId) {
        return store.quotaReached(tenantId);
    }

    @Override
    public boolean awaitApplied(String origin, String tenantId, int partition, long offset, long timeoutMs) throws InterruptedException {
        return positions.awaitPassed(origin, tenantId, partition, offset, timeoutMs);
    }
}
