package dev.maia.apply.store;

import dev.maia.apply.ApplyConfig;
import dev.maia.schemas.avro.Operation;
import dev.maia.schemas.avro.ResourceType;
import dev.maia.schemas.read.CurrentState;
import dev.maia.schemas.avro.WALEntry;
import dev.maia.schemas.wal.CorruptEntryException;
import dev.maia.schemas.wal.SingleObjectWalCodec;
import dev.maia.schemas.position.PositionKey;
import dev.maia.schemas.wal.WalCodec;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;
import net.openhft.chronicle.map.ExternalMapQueryContext;
import net.openhft.chronicle.map.MapEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The replica store as two persisted Chronicle Maps: resources (key {@code tenant/type/id}) and applied
 * positions (key {@code origin/tenant/partition}). Both survive restarts, which is what makes a
 * restarted apply app skip what it had already applied instead of applying it again.
 */
public final class ChronicleReplicaStore implements ReplicaStore {
    private static final Logger log = LoggerFactory.getLogger(ChronicleReplicaStore.class);
    private static final char SEP = '/';
    /** MVStore's page cache for the listing index: the heap it takes, whatever the number of memories. */
    private static final int INDEX_CACHE_MB = 16;

    static {
        // Chronicle phones home unless told not to; nothing here may reach outside the configured hosts.
        System.setProperty("chronicle.analytics.disable", "true");
        System.setProperty("chronicle.announcer.disable", "true");
    }

    private final ChronicleMap<String, byte[]> resources;
    private final ChronicleMap<String, Long> positions;
    private final ChronicleMap<String, byte[]> siblings;
    /**
     * The keys {@link #siblings} holds, in memory: a resource has siblings only while concurrent writes are
     * unresolved (rare), and asking the map for every applied entry (a get, and a remove on every put) was
     * 5% of the stream thread (docs/benchmarks.md, issue 14).
     */
    private final Set<String> withSiblings = ConcurrentHashMap.newKeySet();
    private final Path resourcesFile;
    private final WalCodec codec;
    private final ListingIndex index;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final long maxEntries;
    private final long maxPositions;
    private final long maxSiblings;
    private final long tenantQuotaBytes;

    private ChronicleReplicaStore(ChronicleMap<String, byte[]> resources, ChronicleMap<String, Long> positions,
                                  ChronicleMap<String, byte[]> siblings, Path resourcesFile, WalCodec codec, StoreConfig config,
                                  ListingIndex index) {
        this.index = index;
        this.maxEntries = config.maxEntries();
        this.maxPositions = config.maxPositions();
        this.maxSiblings = siblingEntries(config);
        this.tenantQuotaBytes = config.tenantQuotaBytes();
        this.resources = resources;
        this.positions = positions;
        this.siblings = siblings;
        withSiblings.addAll(siblings.keySet());
        this.resourcesFile = resourcesFile;
        this.codec = codec;
    }

    public static ChronicleReplicaStore open(StoreConfig config, WalCodec codec) {
        try {
            Files.createDirectories(config.directory());
            Path resourcesFile = config.directory().resolve("resources.cm3");
            Path positionsFile = config.directory().resolve("positions.cm3");
            ChronicleMap<String, byte[]> resources = ChronicleMapBuilder.of(String.class, byte[].class)
                    .name("maia-resources")
                    .entries(config.maxEntries())
                    .averageKeySize(64)
                    .averageValueSize(config.averageValueBytes())
                    .createPersistedTo(resourcesFile.toFile());
            ChronicleMap<String, Long> positions = ChronicleMapBuilder.of(String.class, Long.class)
                    .name("maia-positions")
                    .entries(config.maxPositions())
                    .averageKeySize(48)
                    .createPersistedTo(positionsFile.toFile());
            // Siblings exist only while concurrent writes of a resource are unresolved by a later write: rare.
            ChronicleMap<String, byte[]> siblings = ChronicleMapBuilder.of(String.class, byte[].class)
                    .name("maia-siblings")
                    .entries(siblingEntries(config))
                    .averageKeySize(64)
                    .averageValueSize(3.0 * config.averageValueBytes())
                    .createPersistedTo(config.directory().resolve("siblings.cm3").toFile());
            log.info("Opened replica store {} ({} resources, {} positions, {} with siblings)", config.directory(),
                    resources.size(), positions.size(), siblings.size());
            ListingIndex index;
            try {
                index = ListingIndex.open(config.directory().resolve(ListingIndex.FILE_NAME), resources.longSize(), INDEX_CACHE_MB);
            } catch (RuntimeException e) {
                resources.close();
                positions.close();
                siblings.close();
                throw e;
            }
            ChronicleReplicaStore store = new ChronicleReplicaStore(resources, positions, siblings, resourcesFile, codec, config, index);
            index.rebuildReason().ifPresent(store::rebuildIndex);
            return store;
        } catch (IOException e) {
            throw new UncheckedIOException(ApplyConfig.WORK_DIR + ": cannot open the store at " + config.directory(), e);
        }
    }

    private static long siblingEntries(StoreConfig config) {
        return Math.max(1_024, config.maxEntries() / 8);
    }

    public static ChronicleReplicaStore open(StoreConfig config) {
        return open(config, new SingleObjectWalCodec());
    }

    @Override
    public Optional<WALEntry> current(String tenantId, ResourceType type, String resourceId) {
        return winning(tenantId, type, resourceId).map(bytes -> decodeStored(key(tenantId, type, resourceId), bytes));
    }

    @Override
    public Optional<byte[]> winning(String tenantId, ResourceType type, String resourceId) {
        return Optional.ofNullable(resources.get(key(tenantId, type, resourceId)));
    }

    /**
     * Feeds every stored entry to a fresh index and fresh byte totals: O(stored resources), only after a
     * crash or a lost index.
     */
    private void rebuildIndex(String reason) {
        long start = System.nanoTime();
        log.warn("Rebuilding the listing index of {} from its {} resources: {}", resourcesFile.getParent(), resources.longSize(), reason);
        index.clear();
        resources.forEach((k, v) -> {
            index.changed(null, decodeStored(k, v));
            addBytes(k, v.length);
        });
        log.info("Rebuilt the listing index in {} ms", (System.nanoTime() - start) / 1_000_000);
    }

    /** Why the listing index was rebuilt at open, or empty when the one on disk was trusted. */
    public Optional<String> indexRebuildReason() {
        return index.rebuildReason();
    }

    private WALEntry decodeStored(String key, byte[] bytes) {
        try {
            return codec.decode(bytes);
        } catch (CorruptEntryException e) {
            // Only verified entries are stored, so this means the file itself is damaged.
            throw new IllegalStateException("store entry " + key + " is damaged: " + e.getMessage(), e);
        }
    }

    @Override
    public List<String> namespaceIds(String tenantId) {
        return index.namespaceIds(tenantId);
    }

    @Override
    public Page memoryIds(String tenantId, String namespace, int offset, int limit) {
        ListingIndex.Page page = index.memoryIds(tenantId, namespace, offset, limit);
        return new Page(page.ids(), page.total(), page.offset());
    }

    @Override
    public Page memoryIdsAfter(String tenantId, String namespace, String afterId, int limit) {
        ListingIndex.Page page = index.memoryIdsAfter(tenantId, namespace, afterId, limit);
        return new Page(page.ids(), page.total(), page.offset());
    }

    @Override
    public List<String> namespacesNamed(String tenantId, String name) {
        return index.namespacesNamed(tenantId, name);
    }

    @Override
    public SortedMap<String, Integer> memoryCounts(String tenantId) {
        return index.memoryCounts(tenantId);
    }

    @Override
    public List<byte[]> siblings(String tenantId, ResourceType type, String resourceId) {
        String key = key(tenantId, type, resourceId);
        if (!withSiblings.contains(key)) {
            return List.of();
        }
        byte[] packed = siblings.get(key);
        return packed == null ? List.of() : SiblingCodec.unpack(packed);
    }

    @Override
    public void putResolved(WALEntry entry, byte[] encodedEntry, List<byte[]> concurrent, WALEntry replaced) {
        String key = key(entry.getTenantId(), entry.getResourceType(), entry.getResourceId());
        // A delete always applies: it is how a tenant gets back under its quota.
        if (entry.getOperation() != Operation.DELETE) {
            quotaReached(entry.getTenantId()).ifPresent(q -> {
                throw new TenantQuotaExceededException("tenant " + entry.getTenantId() + " stores " + q.storedBytes()
                        + " bytes, at or over its quota of " + q.quotaBytes() + " (" + ApplyConfig.STORE_TENANT_QUOTA_BYTES + ")");
            });
        }
        try {
            // Siblings first: a crash in between leaves them with the incoming entry among them, which
            // its re-application (its position has not moved) recognises and resolves again.
            if (concurrent.isEmpty()) {
                if (withSiblings.contains(key)) {
                    siblings.remove(key);
                    withSiblings.remove(key);
                }
            } else {
                siblings.put(key, SiblingCodec.pack(concurrent));
                withSiblings.add(key);
            }
            long replacedBytes = putReturningReplacedBytes(key, encodedEntry);
            addBytes(key, encodedEntry.length - replacedBytes);
        } catch (IllegalArgumentException e) {
            throw new EntryTooLargeException("entry of " + encodedEntry.length + " bytes does not fit the store "
                    + "(" + ApplyConfig.STORE_AVERAGE_VALUE_BYTES + " is sized for far smaller values): " + e.getMessage(), e);
        } catch (IllegalStateException e) {
            throw new StoreFullException("replica store " + resourcesFile + " is full at " + resources.size()
                    + " resources; raise " + ApplyConfig.STORE_MAX_ENTRIES + " (a new file is needed: sizing is fixed at creation)", e);
        }
        index.changed(replaced, entry);
    }

    /**
     * {@code resources.put}, answering how many bytes the value it replaced had (0 if none). The length
     * comes from the entry's header under the same lock as the write: neither a second lookup nor a copy
     * of the old value (which {@code put} makes, to return it).
     */
    private long putReturningReplacedBytes(String key, byte[] value) {
        try (ExternalMapQueryContext<String, byte[], ?> q = resources.queryContext(key)) {
            q.updateLock().lock();
            MapEntry<String, byte[]> old = q.entry();
            if (old == null) {
                q.insert(q.absentEntry(), q.wrapValueAsData(value));
                return 0;
            }
            long replacedBytes = old.value().size();
            q.replaceValue(old, q.wrapValueAsData(value));
            return replacedBytes;
        }
    }

    @Override
    public Optional<CurrentState.QuotaReached> quotaReached(String tenantId) {
        long stored = index.tenantBytes().of(tenantId);
        return stored >= tenantQuotaBytes ? Optional.of(new CurrentState.QuotaReached(stored, tenantQuotaBytes)) : Optional.empty();
    }

    /** Moves the total of the tenant a store key belongs to. */
    private void addBytes(String key, long delta) {
        String tenant = tenantOf(key);
        if (tenant != null) {
            index.tenantBytes().add(tenant, delta);
        }
    }

    /** What precedes a store key's first '/', or null for a key without one. */
    private static String tenantOf(String key) {
        int tenantEnd = key.indexOf(SEP);
        return tenantEnd > 0 ? key.substring(0, tenantEnd) : null;
    }

    @Override
    public long appliedOffset(String originRegion, String tenantId, int partition) {
        Long offset = positions.get(new PositionKey(originRegion, tenantId, partition).toString());
        return offset == null ? -1 : offset;
    }

    @Override
    public void recordApplied(String originRegion, String tenantId, int partition, long originOffset) {
        try {
            positions.put(new PositionKey(originRegion, tenantId, partition).toString(), originOffset);
        } catch (IllegalStateException e) {
            throw new StoreFullException("position store is full at " + positions.size()
                    + " partitions; raise " + ApplyConfig.STORE_MAX_POSITIONS + " (a new file is needed: sizing is fixed at creation)", e);
        }
    }

    @Override
    public Map<PositionKey, Long> appliedOffsets() {
        Map<PositionKey, Long> out = new HashMap<>();
        positions.forEach((k, v) -> out.put(PositionKey.parse(k), v));
        return out;
    }

    @Override
    public void forEachEntry(String tenantId, EntryVisitor visitor) {
        String prefix = tenantId + SEP;
        // Entry by entry, so that only this tenant's values are read, not every tenant's.
        resources.forEachEntry(e -> {
            String k = e.key().get();
            if (k.startsWith(prefix)) {
                int typeEnd = k.indexOf(SEP, prefix.length());
                visitor.visit(ResourceType.valueOf(k.substring(prefix.length(), typeEnd)), k.substring(typeEnd + 1),
                        e.value().get());
            }
        });
    }

    /** The kept totals: a map of tenants, whatever the number of stored entries (issue 14). */
    @Override
    public Map<String, Long> entryBytesPerTenant() {
        return index.tenantBytes().snapshot();
    }

    /** Every tenant's bytes by a pass over every stored value: what the kept totals must always equal. */
    Map<String, Long> scanEntryBytesPerTenant() {
        Map<String, Long> bytes = new HashMap<>();
        resources.forEachEntry(e -> {
            String tenant = tenantOf(e.key().get());
            if (tenant != null) {
                bytes.merge(tenant, (long) e.value().get().length, Long::sum);
            }
        });
        return bytes;
    }

    @Override
    public long purgeTenant(String tenantId) {
        // Collect first: removing while Chronicle iterates its segments is not supported.
        List<String> doomed = new ArrayList<>();
        forEachEntry(tenantId, (type, id, bytes) -> doomed.add(key(tenantId, type, id)));
        for (String key : doomed) {
            byte[] removed = resources.remove(key); // a purge is rare: the copy it returns is affordable
            if (removed != null) {
                addBytes(key, -removed.length);
            }
        }
        doomed.forEach(siblings::remove);
        doomed.forEach(withSiblings::remove);
        index.forget(tenantId);
        List<String> positionKeys = new ArrayList<>();
        positions.forEach((k, v) -> {
            if (PositionKey.parse(k).tenant().equals(tenantId)) {
                positionKeys.add(k);
            }
        });
        positionKeys.forEach(positions::remove);
        return doomed.size();
    }

    @Override
    public long resourceCount() {
        return resources.longSize();
    }

    /**
     * The fullest of the store's maps, by the larger of two measures: entries against what it was sized for,
     * and Chronicle's own estimate of its free space (values larger than sized for fill it before the count).
     */
    @Override
    public double usedRatio() {
        return Math.min(1.0, Math.max(Math.max(used(resources, maxEntries), used(positions, maxPositions)),
                used(siblings, maxSiblings)));
    }

    private static double used(ChronicleMap<String, ?> map, long sizedFor) {
        return Math.max((double) map.longSize() / sizedFor, 1.0 - map.percentageFreeSpace() / 100.0);
    }

    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return; // closing twice is allowed, as Chronicle allows it
        }
        // The index first, marked clean at the count it matches; the store's files then.
        index.close(resources.longSize());
        resources.close();
        positions.close();
        siblings.close();
    }

    private static String key(String tenantId, ResourceType type, String resourceId) {
        return tenantId + SEP + type.name() + SEP + resourceId;
    }
}
