package dev.maia.producer;

import dev.maia.schemas.avro.ResourceType;
import dev.maia.schemas.http.ApiException;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The primary's per-resource critical section: a write holds its resources from reading their current
 * state until its append is acknowledged (and in {@link OwnWrites}), so that of two writes of one
 * resource the second always builds on the first. That is what makes a client-chosen id created once
 * (the second create finds it taken: 409) and an update never lost (the second update reads the
 * first's result).
 *
 * <p>Why locks and not a compare-and-append: Kafka has no conditional append, and the region's store
 * lags its log; only the process that appends can order its own writes. This region is the only writer
 * of its tenants while it is their primary, so a lock in this process is enough. Why striped: a fixed
 * array of locks keyed by a hash of tenant, type and id bounds memory whatever the number of resources;
 * two resources that share a stripe are merely written one after the other. A batch takes all its
 * stripes in ascending order, so two batches (or a batch and a single write) never wait on each other
 * in a cycle. The lock is not held while a write waits for its replicas: the write is in the log by
 * then, and later writes may build on it.
 */
final class ResourceLocks {
    static final int STRIPES = 1024;
    /** How long a write waits for another write of the same resource before it gives up (503). */
    private static final long WAIT_MS = 30_000;

    private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];

    ResourceLocks() {
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new ReentrantLock();
        }
    }

    /** The resources of one write, held until {@link #close}. */
    final class Held implements AutoCloseable {
        private final Deque<ReentrantLock> locked = new ArrayDeque<>();

        @Override
        public void close() {
            while (!locked.isEmpty()) {
                locked.pop().unlock();
            }
        }
    }

    /** Holds the given resources of a tenant (none for an empty {@code ids}); 503 {@code RESOURCE_BUSY} after waiting too long. */
    Held hold(String tenant, ResourceType type, Collection<String> ids) throws InterruptedException {
        TreeSet<Integer> indexes = new TreeSet<>();
        for (String id : ids) {
            indexes.add(Math.floorMod((tenant + '\u0000' + type + '\u0000' + id).hashCode(), STRIPES));
        }
        Held held = new Held();
        try {
            for (int index : indexes) {
                ReentrantLock lock = stripes[index];
                if (!lock.tryLock(WAIT_MS, TimeUnit.MILLISECONDS)) {
                    throw new ApiException(503, "RESOURCE_BUSY", "another write of this " + type + " has been in progress for "
                            + WAIT_MS + " ms; retry", null);
                }
                held.locked.push(lock);
            }
        } catch (InterruptedException | RuntimeException e) {
            held.close();
            throw e;
        }
        return held;
    }
}
