package dev.maia.producer;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Lets a migration know when the last write of a tenant that could still be appended here has been:
 * every write holds its tenant's gate (shared) from its placement check until its append is acknowledged
 * or failed; {@link #drain} takes it exclusively once, after the placement that stops writes is visible,
 * so no write that checked the old placement is still on its way to the log afterwards.
 */
final class TenantGates {
    private final Map<String, ReentrantReadWriteLock> gates = new ConcurrentHashMap<>();

    /** A write's hold on its tenant's gate. */
    interface Held extends AutoCloseable {
        @Override
        void close();
    }

    /** Held by one write, shared with every other write; close it when the append is done. */
    Held enter(String tenant) throws InterruptedException {
        ReentrantReadWriteLock.ReadLock lock = gate(tenant).readLock();
        lock.lockInterruptibly();
        return lock::unlock;
    }

    /** Returns once every write that entered before has left. */
    void drain(String tenant) throws InterruptedException {
        ReentrantReadWriteLock.WriteLock lock = gate(tenant).writeLock();
        lock.lockInterruptibly();
        lock.unlock();
    }

    private ReentrantReadWriteLock gate(String tenant) {
        return gates.computeIfAbsent(tenant, t -> new ReentrantReadWriteLock());
    }
}
