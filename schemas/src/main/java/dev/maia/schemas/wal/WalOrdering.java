package dev.maia.schemas.wal;

import dev.maia.schemas.avro.WALEntry;

import java.util.Comparator;

/**
 * The ordering rule, the same in every region whatever the arrival order:
 * {@code (placement_epoch, hlc, origin_region, id)}, compared in that order; the greater wins.
 * Deletes are ordinary entries here, so a stale update never beats a newer tombstone.
 */
public final class WalOrdering {
    public static final Comparator<WALEntry> ORDER = Comparator
            .comparingLong(WALEntry::getPlacementEpoch)
            .thenComparingLong(WALEntry::getHlc)
            .thenComparing(WALEntry::getOriginRegion)
            .thenComparing(WALEntry::getId);

    private WalOrdering() {
    }

    /** True when {@code candidate} must replace {@code current} (which may be absent). */
    public static boolean supersedes(WALEntry candidate, WALEntry current) {
        return current == null || ORDER.compare(candidate, current) > 0;
    }
}
