package dev.maia.schemas.wal;

import java.util.function.LongSupplier;

/**
 * The one clock of the ordering rule: 48 bits of wall-clock milliseconds and a 16-bit counter, packed
 * in a long so that numeric order is causal order. {@link #observe} folds in clocks seen elsewhere, so
 * a region never stamps a write behind one it has already applied.
 */
public final class HybridLogicalClock {
    private static final int COUNTER_BITS = 16;
    private static final long COUNTER_MASK = (1L << COUNTER_BITS) - 1;

    private final LongSupplier wallClockMillis;
    private long last;

    public HybridLogicalClock() {
        this(System::currentTimeMillis);
    }

    public HybridLogicalClock(LongSupplier wallClockMillis) {
        this.wallClockMillis = wallClockMillis;
    }

    /** A timestamp greater than every one this clock has issued or observed. */
    public synchronized long now() {
        long wall = pack(wallClockMillis.getAsLong(), 0);
        last = Math.max(wall, last + 1);
        return last;
    }

    public synchronized void observe(long remote) {
        last = Math.max(last, remote);
    }

    public synchronized long current() {
        return last;
    }

    public static long pack(long millis, int counter) {
        return (millis << COUNTER_BITS) | (counter & COUNTER_MASK);
    }

    public static long millis(long hlc) {
        return hlc >>> COUNTER_BITS;
    }

    public static int counter(long hlc) {
        return (int) (hlc & COUNTER_MASK);
    }
}
