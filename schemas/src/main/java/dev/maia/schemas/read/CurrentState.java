package dev.maia.schemas.read;

import dev.maia.schemas.avro.ResourceType;
import dev.maia.schemas.avro.WALEntry;

import java.util.List;
import java.util.Optional;
import dev.maia.schemas.avro.Operation;

/**
 * The one narrow interface through which the write path reads the apply side: the entry that currently
 * wins for a resource in this region (a DELETE when the resource is tombstoned), or empty if the region
 * has never seen it.
 */
public interface CurrentState {
    Optional<WALEntry> current(String tenantId, ResourceType type, String resourceId);

    /**
     * Waits until this region has applied {@code offset} of {@code origin}'s log partition of the tenant,
     * at most {@code timeoutMs}; answers whether it has. The write path calls it before it reads, so a
     * change is always built on the region's own earlier writes.
     */
    boolean awaitApplied(String origin, String tenantId, int partition, long offset, long timeoutMs) throws InterruptedException;

    /**
     * The ids of the tenant's live namespaces named {@code name}, sorted. MAIA names a namespace by id or by
     * name ({@link NamespaceLookup}); the primary keeps names unique, so there is one at most, except after
     * concurrent creates in two primaries (a forced failover).
     */
    List<String> namespacesNamed(String tenantId, String name);

    /**
     * The tenant's stored bytes and its store quota in this region once it has reached that quota; empty
     * while it may still grow (and in a region without quotas). The write path refuses a tenant's growth
     * with 507 while this is present (docs/security.md, API).
     */
    default Optional<QuotaReached> quotaReached(String tenantId) {
        return Optional.empty();
    }

    /** A tenant at or over its share of a region's store. */
    record QuotaReached(long storedBytes, long quotaBytes) {
    }

    /** The live memory or namespace, ignoring tombstones. */
    default Optional<WALEntry> live(String tenantId, ResourceType type, String resourceId) {
        return current(tenantId, type, resourceId).filter(e -> e.getOperation() != Operation.DELETE);
    }
}
