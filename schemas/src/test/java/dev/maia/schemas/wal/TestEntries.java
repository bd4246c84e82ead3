package dev.maia.schemas.wal;

import dev.maia.schemas.avro.Memory;
import dev.maia.schemas.avro.Operation;
import dev.maia.schemas.avro.WALEntry;

import java.time.Instant;
import java.util.List;
import java.util.Map;

final class TestEntries {
    static {
        AvroClasses.trust();
    }

    private TestEntries() {
    }

    static Memory memory(String id, String content) {
        Instant now = Instant.ofEpochMilli(1_700_000_000_000L);
        return Memory.newBuilder().setId(id).setNamespace("ns").setContent(content)
                .setMetadata(Map.of("k", "\"v\"")).setTags(List.of("a", "b")).setEmbedding(List.of(0.5f, 1.5f))
                .setCreatedAt(now).setUpdatedAt(now).build();
    }

    static WALEntry entry(String content, long hlc, String origin, long epoch) {
        return WalEntries.memoryChange(Operation.UPDATE, "tenant-a", "m1", "ns", memory("m1", content), hlc, origin, epoch);
    }
}
