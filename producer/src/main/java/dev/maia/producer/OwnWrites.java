package dev.maia.producer;

import dev.maia.schemas.avro.Operation;
import dev.maia.schemas.avro.ResourceType;
import dev.maia.schemas.avro.WALEntry;
import dev.maia.schemas.http.ApiException;
import dev.maia.schemas.read.CurrentState;
import dev.maia.schemas.wal.PositionToken;
import dev.maia.schemas.wal.WalAncestry;
import dev.maia.schemas.wal.WalOrdering;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The current state as the write path must see it: the region's applied state, overlaid with the entries
 * this region has appended (acknowledged by Kafka) but not yet applied. Without the overlay a write built
 * right after another one reads the store before the apply path has caught up, so two creates of one id
 * both find it free and two updates both build on the same old state. With it, the next writer of a
 * resource sees the previous append at once, and the write path never waits for its own apply.
 *
 * <p>An entry leaves the overlay once the region has applied its position (checked when the resource is
 * read, and by a sweep over all entries whenever the overlay has doubled since the last one), so in a
 * running region it holds only what the apply path has yet to reach. If the apply path stalls, the
 * overlay stops growing at {@code capacity} entries: further writes are refused with a retryable 503
 * {@code APPLY_BEHIND} (nothing is appended) until the apply path catches up. The overlay lives in memory:
 * after a restart of the process a write reads the store alone.
 */
final class OwnWrites implements CurrentState {
    static final int DEFAULT_CAPACITY = 10_000;
    private static final Logger log = LoggerFactory.getLogger(OwnWrites.class);
    private static final int FIRST_SWEEP = 64;

    private record Key(String tenant, ResourceType type, String id) {
    }

    private record Pending(WALEntry entry, PositionToken position) {
    }

    private final String region;
    private final CurrentState applied;
    private final int capacity;
    private final Map<Key, Pending> pending = new ConcurrentHashMap<>();
    private volatile int nextSweep = FIRST_SWEEP;
    private final Object sweepLock = new Object();
    /** Sweeps done; written under {@link #sweepLock}. */
    private volatile long sweeps;

    OwnWrites(String region, CurrentState applied, int capacity) {
        this.region = region;
        this.applied = applied;
        this.capacity = capacity;
    }

    /**
     * The resource's entry: this region's own unapplied one if it follows the applied one (as it will
     * once applied), the applied one otherwise. The overlay is looked at before the store, so an entry that
     * is applied in between is found in the store.
     */
    @Override
    public Optional<WALEntry> current(String tenantId, ResourceType type, String resourceId) {
        Key key = new Key(tenantId, type, resourceId);
        Pending own = pending.get(key);
        if (own != null && isApplied(own)) {
            pending.remove(key, own);
            return applied.current(tenantId, type, resourceId);
        }
        Optional<WALEntry> stored = applied.current(tenantId, type, resourceId);
        if (own == null || stored.filter(s -> !follows(own.entry(), s)).isPresent()) {
            return stored;
        }
        return Optional.of(own.entry());
    }

    /**
     * Whether the own entry will be the state once applied: it was built on the stored one (after a
     * merge of concurrent writes the stored state may order after it: lineage decides first), or it
     * orders after it.
     */
    private static boolean follows(WALEntry own, WALEntry stored) {
        return WalAncestry.isAncestor(stored, own) || WalOrdering.supersedes(own, stored);
    }

    /**
     * The applied namespaces of that name and this region's own unapplied ones, each as it is with the
     * overlay (a pending rename or delete takes a namespace out, a pending create or rename puts it in).
     * Scans the overlay, which holds at most what the apply path has yet to reach.
     */
    /** The applied store's measure: the quota bounds what is stored, and an unapplied write is not stored yet. */
    @Override
    public Optional<QuotaReached> quotaReached(String tenantId) {
        return applied.quotaReached(tenantId);
    }

    @Override
    public List<String> namespacesNamed(String tenantId, String name) {
        TreeSet<String> candidates = new TreeSet<>(applied.namespacesNamed(tenantId, name));
        pending.keySet().stream().filter(k -> k.type() == ResourceType.namespace && k.tenant().equals(tenantId))
                .forEach(k -> candidates.add(k.id()));
        return candidates.stream().filter(id -> current(tenantId, ResourceType.namespace, id)
                .filter(e -> e.getOperation() != Operation.DELETE && name.equals(e.getNamespace())).isPresent()).toList();
    }

    @Override
    public boolean awaitApplied(String origin, String tenantId, int partition, long offset, long timeoutMs) throws InterruptedException {
        return applied.awaitApplied(origin, tenantId, partition, offset, timeoutMs);
    }

    /**
     * Refuses (503, nothing appended) a write of {@code entries} that would take the overlay past its
     * capacity. While it is full every write sweeps it again: a check per entry, cheap next to a refusal.
     */
    void requireRoom(int entries) {
        if (pending.size() + entries <= capacity) {
            return;
        }
        sweep(sweeps);
        if (pending.size() + entries > capacity) {
            throw new ApiException(503, "APPLY_BEHIND", "region " + region + " has " + pending.size()
                    + " of its own writes not yet applied (at most " + capacity + "); retry", null);
        }
    }

    /** An entry this region appended, acknowledged at {@code position}: the resource's state from now on. */
    void remember(WALEntry entry, PositionToken position) {
        pending.put(new Key(entry.getTenantId(), entry.getResourceType(), entry.getResourceId()), new Pending(entry, position));
        if (pending.size() >= nextSweep) {
            sweep(sweeps);
            if (pending.size() > capacity / 2) {
                log.warn("Region {} has {} of its own writes not yet applied; at {} it refuses writes until its apply path catches up",
                        region, pending.size(), capacity);
            }
        }
    }

    /** How many entries wait for the apply path. */
    int size() {
        return pending.size();
    }

    /**
     * Takes the applied entries out. One sweep at a time; a write that waited for another's sweep does not
     * sweep again (under a full overlay every write asks for one, and each used to scan it all, one after the
     * other: the serial section that held HTTP writes at ~700/s, issue 14). Within a sweep each log partition's
     * applied offset is learnt from a few probes, not one per entry: entries of a partition at or below an
     * offset known applied are applied, at or above one known not applied are not.
     */
    private void sweep(long seenGeneration) {
        synchronized (sweepLock) {
            if (sweeps != seenGeneration) {
                return;
            }
            Map<String, long[]> bounds = new HashMap<>();
            for (Map.Entry<Key, Pending> e : pending.entrySet()) {
                if (isApplied(e.getValue(), bounds)) {
                    pending.remove(e.getKey(), e.getValue());
                }
            }
            nextSweep = Math.max(FIRST_SWEEP, pending.size() * 2);
            sweeps++;
        }
    }

    /** {@code bounds} per partition: {highest offset known applied, lowest known not applied}. */
    private boolean isApplied(Pending own, Map<String, long[]> bounds) {
        PositionToken p = own.position();
        long[] b = bounds.computeIfAbsent(p.tenant() + '/' + p.partition(), k -> new long[]{-1, Long.MAX_VALUE});
        if (p.offset() <= b[0]) {
            return true;
        }
        if (p.offset() >= b[1]) {
            return false;
        }
        boolean applied = isApplied(own);
        if (applied) {
            b[0] = p.offset();
        } else {
            b[1] = p.offset();
        }
        return applied;
    }

    private boolean isApplied(Pending own) {
        PositionToken p = own.position();
        try {
            return applied.awaitApplied(region, p.tenant(), p.partition(), p.offset(), 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
