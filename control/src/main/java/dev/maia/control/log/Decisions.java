package dev.maia.control.log;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What a reader of the control log decided about each record it read (took effect or not), for the
 * writer that appended it and waits to learn its outcome. Every record read is recorded, decided or not,
 * so the reader's progress is known.
 */
public final class Decisions {
    /** How many recent decisions are kept for writers waiting to learn theirs: far more than can be in flight. */
    private static final int KEPT = 10_000;

    private final Map<Long, Boolean> byOffset = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
            return size() > KEPT;
        }
    };
    private long nextOffset;

    public synchronized void record(long offset, boolean tookEffect) {
        byOffset.put(offset, tookEffect);
        nextOffset = offset + 1;
        notifyAll();
    }

    /**
     * Waits until the record at {@code offset} has been read and answers whether it took effect; empty if
     * it was not read within the timeout (its outcome is then unknown here).
     */
    public synchronized Optional<Boolean> await(long offset, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (nextOffset <= offset) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return Optional.empty();
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return Optional.of(Boolean.TRUE.equals(byOffset.get(offset)));
    }
}
