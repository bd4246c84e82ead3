package dev.maia.apply.conflict;

import dev.maia.apply.store.ReplicaStore;
import dev.maia.schemas.avro.ResourceType;
import dev.maia.schemas.avro.WALEntry;
import dev.maia.schemas.position.PositionKey;
import dev.maia.schemas.wal.CorruptEntryException;
import dev.maia.schemas.wal.WalCodec;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The resources and siblings of a replica store in plain maps: fast enough to apply every permutation of a history. */
final class InMemoryReplicaStore implements ReplicaStore {
    private final WalCodec codec;
    private final Map<String, byte[]> resources = new TreeMap<>();
    private final Map<String, List<byte[]>> siblings = new HashMap<>();

    InMemoryReplicaStore(WalCodec codec) {
        this.codec = codec;
    }

    private static String key(String tenant, ResourceType type, String id) {
        return tenant + "/" + type + "/" + id;
    }

    @Override
    public Optional<WALEntry> current(String tenantId, ResourceType type, String resourceId) {
        return winning(tenantId, type, resourceId).map(b -> {
            try {
                return codec.decode(b);
            } catch (CorruptEntryException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Override
    public Optional<byte[]> winning(String tenantId, ResourceType type, String resourceId) {
        return Optional.ofNullable(resources.get(key(tenantId, type, resourceId)));
    }

    @Override
    public void putResolved(WALEntry resolved, byte[] encoded, List<byte[]> concurrent, WALEntry replaced) {
        String key = key(resolved.getTenantId(), resolved.getResourceType(), resolved.getResourceId());
        if (concurrent.isEmpty()) {
            siblings.remove(key);
        } else {
            siblings.put(key, List.copyOf(concurrent));
        }
        resources.put(key, encoded);
    }

    @Override
    public List<byte[]> siblings(String tenantId, ResourceType type, String resourceId) {
        return siblings.getOrDefault(key(tenantId, type, resourceId), List.of());
    }

    @Override
    public long appliedOffset(String originRegion, String tenantId, int partition) {
        return -1;
    }

    @Override
    public void recordApplied(String originRegion, String tenantId, int partition, long originOffset) {
    }

    @Override
    public Map<PositionKey, Long> appliedOffsets() {
        return Map.of();
    }

    @Override
    public void forEachEntry(String tenantId, EntryVisitor visitor) {
        resources.forEach((k, v) -> {
            String[] parts = k.split("/", 3);
            if (parts[0].equals(tenantId)) {
                visitor.visit(ResourceType.valueOf(parts[1]), parts[2], v);
            }
        });
    }

    @Override
    public Map<String, Long> entryBytesPerTenant() {
        Map<String, Long> bytes = new HashMap<>();
        resources.forEach((k, v) -> bytes.merge(k.split("/", 3)[0], (long) v.length, Long::sum));
        return bytes;
    }

    @Override
    public long purgeTenant(String tenantId) {
        throw new UnsupportedOperationException();
    }

    @Override
    public long resourceCount() {
        return resources.size();
    }

    @Override
    public List<String> namespaceIds(String tenantId) {
        return List.of();
    }

    @Override
    public Page memoryIds(String tenantId, String namespace, int offset, int limit) {
        return new Page(List.of(), 0, offset);
    }

    @Override
    public Page memoryIdsAfter(String tenantId, String namespace, String afterId, int limit) {
        return new Page(List.of(), 0, 0);
    }

    @Override
    public List<String> namespacesNamed(String tenantId, String name) {
        return List.of();
    }

    @Override
    public java.util.SortedMap<String, Integer> memoryCounts(String tenantId) {
        return new java.util.TreeMap<>();
    }

    @Override
    public void close() {
    }
}
