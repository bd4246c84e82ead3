package dev.maia.schemas.read;

import dev.maia.schemas.avro.ResourceType;
import dev.maia.schemas.avro.WALEntry;

import java.util.Optional;

/**
 * The one narrow interface through which the write path reads the apply side: the entry that currently
 * wins for a resource in this region (a DELETE when the resource is tombstoned), or empty if the region
 * has never seen it.
 */
@FunctionalInterface
public interface CurrentState {
    Optional<WALEntry> current(String tenantId, ResourceType type, String resourceId);

    /** The live memory or namespace, ignoring tombstones. */
    default Optional<WALEntry> live(String tenantId, ResourceType type, String resourceId) {
        return current(tenantId, type, resourceId).filter(e -> e.getOperation() != dev.maia.schemas.avro.Operation.DELETE);
    }
}
