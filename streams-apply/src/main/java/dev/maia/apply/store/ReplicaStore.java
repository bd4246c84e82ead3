package dev.maia.apply.store;

import dev.maia.schemas.avro.ResourceType;
import dev.maia.schemas.position.PositionKey;
import dev.maia.schemas.read.CurrentState;

import java.util.Optional;
import dev.maia.schemas.avro.Operation;
import dev.maia.schemas.avro.WALEntry;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * A region's copy of every resource it holds: for each resource the encoded WAL entry that currently
 * wins (tombstones included), and for each log partition it applies the highest origin offset applied.
 */
public interface ReplicaStore extends AutoCloseable {

    Optional<WALEntry> current(String tenantId, ResourceType type, String resourceId);

    /** The live memory or namespace, ignoring tombstones. */
    default Optional<WALEntry> live(String tenantId, ResourceType type, String resourceId) {
        return current(tenantId, type, resourceId).filter(e -> e.getOperation() != Operation.DELETE);
    }

    /** The encoded winning entry of a resource, if any. */
    Optional<byte[]> winning(String tenantId, ResourceType type, String resourceId);

    /**
     * Replaces the winning entry of a resource with {@code entry} (whose encoded bytes are given, so
     * nothing is encoded or decoded twice). Callers decide by the ordering rule first and pass the
     * entry it replaces, or null.
     */
    default void putWinning(WALEntry entry, byte[] encodedEntry, WALEntry replaced) {
        putResolved(entry, encodedEntry, List.of(), replaced);
    }

    /**
     * Like {@link #putWinning}, for a resource whose state resolves concurrent versions (siblings: writes
     * of which neither had seen the other, each encoded as it came off its log). {@code resolved} is one
     * of them (lww) or their merge. An empty list forgets the siblings: the state is one line again.
     */
    void putResolved(WALEntry resolved, byte[] encodedResolved, List<byte[]> siblings, WALEntry replaced);

    /** The concurrent versions the winning entry resolves; empty when it is simply the latest write. */
    List<byte[]> siblings(String tenantId, ResourceType type, String resourceId);

    /** Highest origin offset applied of one partition of one origin's log of one tenant; -1 if none. */
    long appliedOffset(String originRegion, String tenantId, int partition);

    void recordApplied(String originRegion, String tenantId, int partition, long originOffset);

    /** Every applied position: {@code origin/tenant/partition} to the highest origin offset applied. */
    Map<PositionKey, Long> appliedOffsets();

    /**
     * Visits every winning entry of a tenant, tombstones included, in no particular order. The visitor
     * runs while the store holds a segment lock: it must not call back into the store.
     */
    void forEachEntry(String tenantId, EntryVisitor visitor);

    /**
     * Every tenant's winning entries' encoded bytes (tombstones included; siblings not): what the usage
     * report needs of all tenants at once. Tenants without stored entries are absent. The persisted store
     * keeps these totals as it changes, so the cost does not grow with the entries stored.
     */
    Map<String, Long> entryBytesPerTenant();

    /**
     * The tenant's stored bytes and quota once it is at or over its quota (an entry that would grow it is
     * then refused: {@link TenantQuotaExceededException}); empty while under it, and in a store without quotas.
     */
    default Optional<CurrentState.QuotaReached> quotaReached(String tenantId) {
        return Optional.empty();
    }

    /** One winning entry: its resource and its encoded bytes (only valid during the call). */
    @FunctionalInterface
    interface EntryVisitor {
        void visit(ResourceType type, String resourceId, byte[] encodedEntry);
    }

    /** Removes every resource and position of a tenant; answers how many resources were removed. */
    long purgeTenant(String tenantId);

    long resourceCount();

    /** How full the store is, 0..1; a store without a fixed capacity is never full. */
    default double usedRatio() {
        return 0;
    }

    /** The tenant's live namespaces' ids, sorted. */
    List<String> namespaceIds(String tenantId);

    /** One page of the ids of the live memories in a namespace (by name), sorted, with the total. */
    Page memoryIds(String tenantId, String namespace, int offset, int limit);

    /**
     * One page of the ids of the live memories in a namespace that sort after {@code afterId} (a cursor:
     * the last id of the page before, which need not be live any more), with where it starts and the total.
     */
    Page memoryIdsAfter(String tenantId, String namespace, String afterId, int limit);

    /** The ids of the tenant's live namespaces named {@code name}, sorted. */
    List<String> namespacesNamed(String tenantId, String name);

    /**
     * How many live memories each namespace name of the tenant holds, sorted by name (a memory names its
     * namespace by name; names with no memory are absent). Kept as the store changes: no scan.
     */
    SortedMap<String, Integer> memoryCounts(String tenantId);

    /** Ids of one page, how many there are in all, and the offset of the page's first id. */
    record Page(List<String> ids, int total, int offset) {
    }

    @Override
    void close();
}
