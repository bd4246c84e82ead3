package dev.maia.schemas.wal;

import dev.maia.schemas.avro.Crc32c;
import dev.maia.schemas.avro.Memory;
import dev.maia.schemas.avro.Operation;
import dev.maia.schemas.avro.ResourceType;
import dev.maia.schemas.avro.WALEntry;

import java.time.Instant;

/** Builds WAL entries of memory changes; the checksum is left empty for the codec to stamp. */
public final class WalEntries {
    static {
        AvroClasses.trust();
    }

    private WalEntries() {
    }

    public static WALEntry memoryChange(Operation op, String tenantId, String memoryId, String namespace,
                                        Memory data, long hlc, String originRegion, long placementEpoch) {
        return WALEntry.newBuilder()
                .setChecksum(new Crc32c(new byte[WalChecksum.SIZE]))
                .setId(Ulid.next())
                .setTenantId(tenantId)
                .setOperation(op)
                .setResourceType(ResourceType.memory)
                .setResourceId(memoryId)
                .setNamespace(namespace)
                .setData(op == Operation.DELETE ? null : data)
                .setTimestamp(Instant.ofEpochMilli(HybridLogicalClock.millis(hlc)))
                .setHlc(hlc)
                .setOriginRegion(originRegion)
                .setPlacementEpoch(placementEpoch)
                .build();
    }
}
