package dev.maia.apply;

import dev.maia.schemas.avro.WALEntry;

/** Told of every entry that became a resource's state in this region (for the demo's arrival feed). */
@FunctionalInterface
public interface ApplyListener {
    void applied(String region, WALEntry entry);

    ApplyListener NONE = (region, entry) -> { };
}
