package dev.maia.apply.conflict;

import dev.maia.schemas.avro.DrainedOffset;
import dev.maia.schemas.avro.Failover;
import dev.maia.schemas.avro.WALEntry;

import java.util.Optional;

/**
 * The old primary's leftovers after a failover: entries it accepted under its epoch and never shipped
 * before the new primary was promoted. They still apply by lineage and the tenant's strategy like any
 * entry; what differs is that every one of them is reported (counted, logged, in the conflict feed), so
 * that an operator sees every write of the old primary that the failover left behind, whether it lost or not.
 */
public final class Leftovers {

    private Leftovers() {
    }

    /**
     * Whether the entry at {@code originOffset} of partition {@code partition} of its origin's log is a
     * leftover of {@code failover}: written by the region that lost the tenant, under an epoch before the
     * failover's, beyond the last entry of that partition the new primary had applied when promoted
     * ({@code failover.applied}; a partition not listed had none applied: every entry is beyond it).
     */
    public static boolean isLeftover(Failover failover, WALEntry entry, int partition, long originOffset) {
        if (!entry.getOriginRegion().equals(failover.getFromRegion()) || entry.getPlacementEpoch() >= failover.getEpoch()) {
            return false;
        }
        return originOffset > appliedAtPromotion(failover, partition);
    }

    /** The last offset of the old primary's partition that the new primary had applied; -1 when none. */
    static long appliedAtPromotion(Failover failover, int partition) {
        long applied = -1;
        for (DrainedOffset d : failover.getApplied()) {
            if (d.getOriginRegion().equals(failover.getFromRegion()) && d.getPartition() == partition) {
                applied = Math.max(applied, d.getOffset());
            }
        }
        return applied;
    }

    /**
     * The leftover of a pair of concurrent versions, judged from the versions alone: one is the old
     * primary's under an epoch before the failover's, the other is of the failover's epoch or later. The
     * origin offset is not known for a version that was stored earlier, but needs not be: an entry the new
     * primary had applied when promoted is in the lineage of every write it made since, so it is never
     * concurrent with one. Every region thus reports the pair with the same reason, whichever of the two
     * arrived first.
     */
    public static Optional<Version> of(Failover failover, ConflictPair pair) {
        if (pair.loser() == null) {
            return Optional.empty();
        }
        if (oldPrimarys(failover, pair.loser().entry()) && pair.winner().entry().getPlacementEpoch() >= failover.getEpoch()) {
            return Optional.of(pair.loser());
        }
        if (oldPrimarys(failover, pair.winner().entry()) && pair.loser().entry().getPlacementEpoch() >= failover.getEpoch()) {
            return Optional.of(pair.winner());
        }
        return Optional.empty();
    }

    private static boolean oldPrimarys(Failover failover, WALEntry e) {
        return e.getOriginRegion().equals(failover.getFromRegion()) && e.getPlacementEpoch() < failover.getEpoch();
    }
}
