package dev.maia.apply.position;

import dev.maia.schemas.position.PositionKey;
import dev.maia.schemas.position.Positions;
import dev.maia.apply.store.ReplicaStore;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * What this region has applied, per origin region, tenant and partition, in the origin's offsets.
 *
 * <p>Positions are kept in memory as entries are applied and written to the store by {@link #flush}, which
 * the apply processor calls right before it asks Kafka Streams to commit its offsets (and when its task
 * closes). A put into the store per entry was 5-12% of the stream thread's samples; one per partition and
 * commit is next to nothing. It is safe because the store only ever lags what is applied, never the
 * committed offsets: after a crash, the entries between the last flushed position and the crash are
 * delivered again and applied again, which the resource state makes idempotent (the same entry is
 * recognised, an older one loses to what is stored). Readers (read-your-writes, the publisher, lag)
 * see the in-memory position at once. The clock and wall time of the entry at each position are kept
 * for publishing, and changes are collected for the publisher.
 *
 * <p>A dead-lettered entry never moves a position: the position is the highest origin offset <em>applied</em>,
 * so a refused record (a forged origin offset, a corrupt entry) can neither make the region skip later
 * writes nor count as held. The pipeline goes on, and the next applied entry moves the position past the
 * dead-lettered offset; that offset is kept in {@link Applied#deadLettered} (the newest
 * {@link Positions#DEAD_LETTERED_KEPT} of the partition) and published with the position, so that a sync or
 * semi-sync write at it is not acknowledged by this region (docs/security-poison.md).
 */
public final class PositionTracker {

    /**
     * The highest applied origin offset of a partition (-1 if none), with the HLC and wall time of that
     * entry, and the newest dead-lettered origin offsets of the partition, ascending (below or above it).
     */
    public record Applied(long offset, long hlc, long timestampMs, List<Long> deadLettered) {
        public Applied {
            deadLettered = List.copyOf(deadLettered);
        }

        Applied(long offset, long hlc, long timestampMs) {
            this(offset, hlc, timestampMs, List.of());
        }

        /** Whether the entry at this origin offset was dead-lettered (as far as the newest kept ones tell). */
        public boolean isDeadLettered(long originOffset) {
            return deadLettered.contains(originOffset);
        }

        /** The highest offset the apply path is done with: applied or dead-lettered. */
        public long passed() {
            return deadLettered.isEmpty() ? offset : Math.max(offset, deadLettered.get(deadLettered.size() - 1));
        }

        Applied withDeadLettered(long originOffset) {
            if (deadLettered.contains(originOffset)) {
                return this;
            }
            List<Long> more = new ArrayList<>(deadLettered);
            more.add(originOffset);
            more.sort(null);
            return new Applied(offset, hlc, timestampMs,
                    more.subList(Math.max(0, more.size() - Positions.DEAD_LETTERED_KEPT), more.size()));
        }
    }

    /** Brackets the application of one entry; closing it never throws. */
    public interface Applying extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Something read from a tenant's state, the tenant's applied vector it belongs to, and how far the apply
     * path is past each partition ({@link Applied#passed}): the same vector, except where the newest entries
     * of a partition were dead-lettered. The state at both is the same (a dead letter changes nothing).
     */
    public record AtVector<T>(Map<String, Long> vector, Map<String, Long> passed, T value) {
    }

    /** Per tenant, how many entries began and finished applying: a reader's check that nothing moved. */
    private record ApplyCounts(AtomicLong started, AtomicLong finished) {
    }

    private final ReplicaStore store;
    private final Map<String, ApplyCounts> applyCounts = new ConcurrentHashMap<>();
    private final Map<PositionKey, Applied> latest = new ConcurrentHashMap<>();
    private final Map<PositionKey, Applied> unpublished = new ConcurrentHashMap<>();
    /** Applied but not yet in the store. */
    private final Map<PositionKey, Long> unflushed = new ConcurrentHashMap<>();
    /** Orders flushes against {@link #forget}: a purged tenant's position must not be written back. */
    private final Object flushing = new Object();
    private final Object progress = new Object();
    private final AtomicInteger waiters = new AtomicInteger();

    public PositionTracker(ReplicaStore store) {
        this.store = store;
        // After a restart, every position is known again (its clock only once a new entry arrives).
        store.appliedOffsets().forEach((key, offset) -> {
            Applied a = new Applied(offset, 0, 0);
            latest.put(key, a);
            unpublished.put(key, a);
        });
    }

    public long appliedOffset(String origin, String tenant, int partition) {
        Applied a = latest.get(new PositionKey(origin, tenant, partition));
        return a == null ? store.appliedOffset(origin, tenant, partition) : a.offset();
    }

    /** The entry at {@code originOffset} is applied: in memory now, in the store at the next {@link #flush}. */
    public void applied(String origin, String tenant, int partition, long originOffset, long hlc, long timestampMs) {
        PositionKey key = new PositionKey(origin, tenant, partition);
        Applied a = latest.compute(key, (k, before) ->
                new Applied(originOffset, hlc, timestampMs, before == null ? List.of() : before.deadLettered()));
        unpublished.put(key, a);
        unflushed.put(key, originOffset);
        wakeWaiters();
    }

    /**
     * The entry at {@code originOffset} went to the DLQ: the position stays where it is (nothing is flushed),
     * and the offset is remembered and published as dead-lettered.
     */
    public void deadLettered(String origin, String tenant, int partition, long originOffset) {
        PositionKey key = new PositionKey(origin, tenant, partition);
        Applied a = latest.compute(key, (k, before) -> (before != null ? before
                : new Applied(store.appliedOffset(origin, tenant, partition), 0, 0)).withDeadLettered(originOffset));
        unpublished.put(key, a);
        wakeWaiters();
    }

    /** Whether this region dead-lettered the entry at that origin offset (one of the newest kept). */
    public boolean isDeadLettered(String origin, String tenant, int partition, long originOffset) {
        Applied a = latest.get(new PositionKey(origin, tenant, partition));
        return a != null && a.isDeadLettered(originOffset);
    }

    private void wakeWaiters() {
        if (waiters.get() > 0) {
            synchronized (progress) {
                progress.notifyAll();
            }
        }
    }

    /**
     * Writes every position applied since the last flush to the store: one put per partition, whatever
     * the number of entries. Called before offsets are committed, so that the store is never behind
     * a committed offset. A position the store cannot take stays pending, and the error goes up.
     */
    public void flush() {
        synchronized (flushing) {
            for (PositionKey k : unflushed.keySet()) {
                Long offset = unflushed.remove(k);
                if (offset == null) {
                    continue;
                }
                try {
                    store.recordApplied(k.origin(), k.tenant(), k.partition(), offset);
                } catch (RuntimeException e) {
                    unflushed.putIfAbsent(k, offset);
                    throw e;
                }
            }
        }
    }

    /** How many positions wait for {@link #flush}. */
    public int unflushedCount() {
        return unflushed.size();
    }

    /**
     * Marks an entry of the tenant as being applied (stored, then its position advanced) until the
     * bracket closes. The entry is stored before its position moves, so a reader that only compared
     * vectors could hash a state that is already past the vector it reports.
     */
    public Applying applying(String tenant) {
        ApplyCounts counts = counts(tenant);
        counts.started().incrementAndGet();
        return () -> counts.finished().incrementAndGet();
    }

    /**
     * Reads something of a tenant's state together with the tenant's applied vector
     * ({@code "<origin>/<partition>"} to offset), or nothing if an entry of the tenant was being applied
     * meanwhile: a seqlock on the counts of {@link #applying}, and the vector read on both sides.
     */
    public <T> Optional<AtVector<T>> readAtOneVector(String tenant, Supplier<T> read) {
        ApplyCounts counts = counts(tenant);
        // Started before finished: a writer that begins in between shows as a changed start count below.
        long started = counts.started().get();
        if (counts.finished().get() != started) {
            return Optional.empty();
        }
        Map<String, Long> before = vector(tenant);
        Map<String, Long> passedBefore = passedVector(tenant);
        T value = read.get();
        if (counts.started().get() != started || !vector(tenant).equals(before) || !passedVector(tenant).equals(passedBefore)) {
            return Optional.empty();
        }
        return Optional.of(new AtVector<>(before, passedBefore, value));
    }

    private ApplyCounts counts(String tenant) {
        return applyCounts.computeIfAbsent(tenant, t -> new ApplyCounts(new AtomicLong(), new AtomicLong()));
    }

    /** The tenant's applied offsets, {@code "<origin>/<partition>"} to offset, sorted. */
    public Map<String, Long> vector(String tenant) {
        // A partition of which only dead-lettered entries were seen has no position (-1).
        return vectorOf(tenant, Applied::offset);
    }

    private Map<String, Long> vectorOf(String tenant, ToLongFunction<Applied> offset) {
        Map<String, Long> out = new TreeMap<>();
        latest.forEach((k, a) -> {
            if (k.tenant().equals(tenant) && offset.applyAsLong(a) >= 0) {
                out.put(k.origin() + "/" + k.partition(), offset.applyAsLong(a));
            }
        });
        return out;
    }

    /**
     * The highest offset the apply path is done with per partition of the tenant, applied or dead-lettered
     * ({@link Applied#passed}): what a comparison with the origin's log end needs, since an entry that was
     * dead-lettered will never be applied.
     */
    public Map<String, Long> passedVector(String tenant) {
        return vectorOf(tenant, Applied::passed);
    }

    /**
     * Waits until the apply path of this region is past {@code offset} of the partition, at most
     * {@code timeoutMs}: it applied it (the position reached it), or it dead-lettered exactly that entry.
     * A dead-lettered entry will never be applied, so waiting for it would only time out: the write path's
     * overlay lets it go, and a read-your-writes read is served from the state (which does not have it).
     * The sync acknowledgement does not use this: it reads the published positions, which list the
     * dead-lettered offsets (PositionsView).
     */
    public boolean awaitPassed(String origin, String tenant, int partition, long offset, long timeoutMs) throws InterruptedException {
        // A check that does not wait (the write path's overlay asks one per entry) takes no monitor and
        // registers no waiter: otherwise every such check serialises with the others, and makes the apply
        // path notify on every entry it applies.
        if (passed(origin, tenant, partition, offset)) {
            return true;
        }
        if (timeoutMs <= 0) {
            return false;
        }
        long deadline = System.currentTimeMillis() + timeoutMs;
        synchronized (progress) {
            waiters.incrementAndGet();
            try {
                while (!passed(origin, tenant, partition, offset)) {
                    long left = deadline - System.currentTimeMillis();
                    if (left <= 0) {
                        return false;
                    }
                    progress.wait(left);
                }
                return true;
            } finally {
                waiters.decrementAndGet();
            }
        }
    }

    private boolean passed(String origin, String tenant, int partition, long offset) {
        return appliedOffset(origin, tenant, partition) >= offset || isDeadLettered(origin, tenant, partition, offset);
    }

    /** Positions changed since the last call (the publisher's batch). */
    public Map<PositionKey, Applied> drainUnpublished() {
        Map<PositionKey, Applied> out = new HashMap<>();
        for (PositionKey k : unpublished.keySet()) {
            Applied a = unpublished.remove(k);
            if (a != null) {
                out.put(k, a);
            }
        }
        return out;
    }

    /** Gives back a batch the publisher could not send (newer changes win). */
    public void requeue(Map<PositionKey, Applied> batch) {
        batch.forEach(unpublished::putIfAbsent);
    }

    public Map<PositionKey, Applied> snapshot() {
        return Map.copyOf(latest);
    }

    /** Every applied position's origin offset, from memory (not the store). */
    public Map<PositionKey, Long> appliedOffsets() {
        Map<PositionKey, Long> out = new java.util.HashMap<>();
        latest.forEach((k, a) -> {
            if (a.offset() >= 0) {
                out.put(k, a.offset());
            }
        });
        return out;
    }

    /**
     * Per partition, the highest origin offset the apply path is done with, applied or dead-lettered: what
     * replication lag is measured from, so that a dead-lettered last entry is not an ever-growing lag.
     */
    public Map<PositionKey, Long> passedOffsets() {
        Map<PositionKey, Long> out = new java.util.HashMap<>();
        latest.forEach((k, a) -> out.put(k, a.passed()));
        return out;
    }

    /**
     * Forgets a tenant that is about to be purged from the store: call it before the purge, so that no
     * later {@link #flush} writes one of its positions back (a flush under way finishes first).
     */
    public void forget(String tenant) {
        synchronized (flushing) {
            unflushed.keySet().removeIf(k -> k.tenant().equals(tenant));
            latest.keySet().removeIf(k -> k.tenant().equals(tenant));
            unpublished.keySet().removeIf(k -> k.tenant().equals(tenant));
        }
    }
}
