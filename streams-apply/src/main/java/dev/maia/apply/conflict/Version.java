package dev.maia.apply.conflict;

import dev.maia.schemas.avro.WALEntry;

/** One version of a resource: the entry and its encoded bytes (as they came off the log, or as merged). */
public record Version(WALEntry entry, byte[] encoded) {
    public String id() {
        return entry.getId();
    }
}
