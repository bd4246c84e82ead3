package dev.maia.schemas.wal;

import dev.maia.schemas.avro.Crc32c;
import dev.maia.schemas.avro.Memory;
import dev.maia.schemas.avro.Namespace;
import dev.maia.schemas.avro.Operation;
import dev.maia.schemas.avro.ResourceType;
import dev.maia.schemas.avro.WALEntry;

import java.time.Instant;

/** Builds WAL entries of memory and namespace changes; the checksum is left empty for the codec to stamp. */
public final class WalEntries {
    static {
        AvroClasses.trust();
    }

    private WalEntries() {
    }

    public static WALEntry memoryChange(Operation op, String tenantId, String memoryId, String namespace,
                                        Memory data, long hlc, String originRegion, long placementEpoch) {
        return change(op, ResourceType.memory, tenantId, memoryId, namespace, data, hlc, originRegion, placementEpoch);
    }

    public static WALEntry namespaceChange(Operation op, String tenantId, String namespaceId, Namespace data,
                                           long hlc, String originRegion, long placementEpoch) {
        return change(op, ResourceType.namespace, tenantId, namespaceId, data == null ? null : data.getName(), data,
                hlc, originRegion, placementEpoch);
    }

    private static WALEntry change(Operation op, ResourceType type, String tenantId, String resourceId, String namespace,
                                   Object data, long hlc, String originRegion, long placementEpoch) {
        return WALEntry.newBuilder()
                .setChecksum(new Crc32c(new byte[WalChecksum.SIZE]))
                .setId(Ulid.next())
                .setTenantId(tenantId)
                .setOperation(op)
                .setResourceType(type)
                .setResourceId(resourceId)
                .setNamespace(namespace)
                .setData(op == Operation.DELETE ? null : data)
                .setTimestamp(Instant.ofEpochMilli(HybridLogicalClock.millis(hlc)))
                .setHlc(hlc)
                .setOriginRegion(originRegion)
                .setPlacementEpoch(placementEpoch)
                .build();
    }
}
