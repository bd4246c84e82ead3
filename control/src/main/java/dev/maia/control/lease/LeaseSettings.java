package dev.maia.control.lease;

import java.time.Duration;

/**
 * The lease arithmetic. A region renews every {@code renewInterval}; a renewal sent at {@code t} (the holder's
 * monotonic clock) and acknowledged by a majority and read back makes the holder lead until
 * {@code t + duration - clockMargin}. Another region calls the lease lapsed once it has read no renewal for
 * {@code duration} on its own monotonic clock. It read the last renewal after it was sent, so the holder stops
 * first as long as the two clocks' rates differ by less than {@code clockMargin / duration} over one lease
 * (1000 ms of 8000 ms: 12.5%, where real clocks differ by parts per million). Wall clocks, and so a skewed
 * clock, play no part.
 *
 * @param duration      how long a lease lasts without renewal; automatic failover starts after it
 * @param renewInterval how often the holder renews; several renewals fit in one lease, so one lost is harmless
 * @param clockMargin   how much earlier the holder stops than any other region may call its lease lapsed
 */
public record LeaseSettings(Duration duration, Duration renewInterval, Duration clockMargin) {
    public static final LeaseSettings DEFAULTS = new LeaseSettings(Duration.ofMillis(8000), Duration.ofMillis(2000),
            Duration.ofMillis(1000));

    public LeaseSettings {
        if (!clockMargin.isNegative() && clockMargin.compareTo(duration) >= 0) {
            throw new IllegalArgumentException("lease_clock_margin_ms: must be below lease_duration_ms");
        }
        if (renewInterval.compareTo(duration.minus(clockMargin)) >= 0) {
            throw new IllegalArgumentException("lease_renew_interval_ms: must be below lease_duration_ms - lease_clock_margin_ms");
        }
    }

    /** How long a renewal sent now keeps the holder leading, on its own clock. */
    public Duration heldFor() {
        return duration.minus(clockMargin);
    }
}
