package dev.maia.producer;

import dev.maia.schemas.avro.WALEntry;
import org.apache.kafka.common.utils.Utils;

import java.nio.charset.StandardCharsets;

/**
 * Where an entry goes in its tenant's log and under which key. The key names the resource (type and id),
 * because the log is compacted by key (docs/architecture.md, "WAL lifecycle"): keyed by the id alone, a
 * namespace and a memory that share a client-chosen id would be one key, and compaction would keep only
 * the newer of the two. The partition stays the one Kafka's default partitioner gives the id, as before
 * the key named the type: every change of one resource, old or new, stays in one partition.
 */
public final class WalRecordKey {
    private WalRecordKey() {
    }

    public static String key(WALEntry entry) {
        return entry.getResourceType().name() + "/" + entry.getResourceId();
    }

    /** The resource id a key names ({@code memory/abc} names {@code abc}); a key without a type is the id itself. */
    public static String resourceId(String key) {
        return key.substring(key.indexOf('/') + 1);
    }

    /** The default partitioner's choice for the id as a key (murmur2 of its UTF-8 bytes). */
    static int partition(String resourceId, int partitions) {
        return Utils.toPositive(Utils.murmur2(resourceId.getBytes(StandardCharsets.UTF_8))) % partitions;
    }
}
