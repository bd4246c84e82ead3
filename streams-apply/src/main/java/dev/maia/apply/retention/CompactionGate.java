package dev.maia.apply.retention;

import java.util.Collection;
import java.util.OptionalLong;

/**
 * The rule that keeps compaction of a tenant's log below what every holder applied. Kafka's cleaner
 * leaves alone every segment from the first one holding a record younger than the topic's
 * {@code min.compaction.lag.ms}; so a gate at least as old as the oldest entry some holder has not
 * applied keeps that entry, and every later one, in the log. The gate also covers what is appended
 * until the next round ({@code intervalMs}), and the clock difference between this process and the
 * brokers ({@code marginMs}).
 *
 * <p>Pure arithmetic, so that it is tested without a broker; {@link WalTruncator} measures the inputs.
 */
public final class CompactionGate {
    /** Compaction held off entirely: a holder (or the placement) is unknown. */
    public static final long CLOSED = Long.MAX_VALUE;

    private CompactionGate() {
    }

    /**
     * The first offset of a partition that some holder has not applied: one past the lowest applied
     * offset of all holders ({@code -1} for a holder that applied nothing, or whose position is unknown),
     * and never before the log's start.
     */
    public static long firstUnapplied(Collection<Long> appliedByHolders, long logStart) {
        long lowest = appliedByHolders.stream().mapToLong(Long::longValue).min().orElse(-1);
        return Math.max(lowest + 1, logStart);
    }

    /**
     * The gate in milliseconds: the age of the oldest entry that some holder has not applied (empty: none
     * is missing anywhere) plus the interval and the margin, saturating at {@link #CLOSED}.
     */
    public static long gateMs(long nowMs, OptionalLong oldestUnappliedTimestampMs, long intervalMs, long marginMs) {
        long age = oldestUnappliedTimestampMs.isPresent() ? Math.max(0, nowMs - oldestUnappliedTimestampMs.getAsLong()) : 0;
        long gate = age + intervalMs + marginMs;
        return gate < 0 ? CLOSED : gate;
    }

    /**
     * Where a mirrored copy may be truncated: below what this region's apply path committed, but never its
     * last record, so that a copy a region still holds is never empty. An empty copy means "purged" to
     * MirrorMaker's history reset (it would copy the whole origin log again) and has no last record for
     * the lag probe to read its origin offset from.
     */
    public static long copyTruncation(long committed, long logStart, long end) {
        return Math.max(logStart, Math.min(committed, end - 1));
    }
}
