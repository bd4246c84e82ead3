package dev.maia.producer;

import dev.maia.schemas.avro.WALEntry;
import dev.maia.schemas.wal.HybridLogicalClock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.LongSupplier;

/**
 * Folds the clock of every entry this region applies into the region's write clock, so a later write
 * here orders after it (a new primary after a move orders after all it has seen). A clock more than
 * {@code max_clock_skew_ms} ahead of this machine's is refused and counted rather than let one bad
 * clock drag every region's clock into the future; the entry itself is still applied.
 */
final class ClockFollower {
    private static final Logger log = LoggerFactory.getLogger(ClockFollower.class);

    private final HybridLogicalClock clock;
    private final long maxSkewMs;
    private final LongSupplier wallClockMillis;
    private final Counter refused;

    ClockFollower(HybridLogicalClock clock, long maxSkewMs, LongSupplier wallClockMillis, String region, MeterRegistry registry) {
        this.clock = clock;
        this.maxSkewMs = maxSkewMs;
        this.wallClockMillis = wallClockMillis;
        this.refused = Counter.builder("maia.clock.skew.refused").tag("region", region)
                .description("applied entries whose clock was too far ahead to be followed")
                .register(registry);
    }

    /** Answers whether the entry's clock was followed. */
    boolean follow(WALEntry entry) {
        long aheadMs = HybridLogicalClock.millis(entry.getHlc()) - wallClockMillis.getAsLong();
        if (aheadMs > maxSkewMs) {
            refused.increment();
            log.warn("Not following the clock of entry {} from {}: {} ms ahead (max_clock_skew_ms {})",
                    entry.getId(), entry.getOriginRegion(), aheadMs, maxSkewMs);
            return false;
        }
        clock.observe(entry.getHlc());
        return true;
    }
}
