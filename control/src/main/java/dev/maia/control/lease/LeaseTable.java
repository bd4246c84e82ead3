package dev.maia.control.lease;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Every region's lease as one reader of the control log sees it: the offset of the region's last renewal
 * read, and when this reader read it, on this reader's monotonic clock. A lease lapses here once no renewal
 * has been read for the lease's duration; no two regions' clocks are ever compared, only their rates (see
 * {@link LeaseSettings}). A region never seen counts from this reader's start, so a reader that has just
 * started gives every region a whole lease before it calls it lapsed.
 */
public final class LeaseTable {
    private record Seen(long offset, long readAtNanos) {
    }

    private final Map<String, Seen> byRegion = new ConcurrentHashMap<>();
    private final LongSupplier nanos;
    private final long startedNanos;

    public LeaseTable(LongSupplier nanos) {
        this.nanos = nanos;
        this.startedNanos = nanos.getAsLong();
    }

    /** A renewal of {@code region} read at {@code offset} of the control log, now. */
    public void renewed(String region, long offset) {
        byRegion.put(region, new Seen(offset, nanos.getAsLong()));
    }

    /** The offset of the last renewal of {@code region} read; -1 if none. */
    public long lastOffset(String region) {
        Seen s = byRegion.get(region);
        return s == null ? -1 : s.offset();
    }

    /** How long ago this reader read the last renewal of {@code region} (since it started, if it never read one). */
    public Duration sinceRenewal(String region) {
        Seen s = byRegion.get(region);
        return Duration.ofNanos(nanos.getAsLong() - (s == null ? startedNanos : s.readAtNanos()));
    }

    /** Whether no renewal of {@code region} has been read here for {@code duration}. */
    public boolean lapsed(String region, Duration duration) {
        return sinceRenewal(region).compareTo(duration) >= 0;
    }
}
