package dev.maia.apply;

import dev.maia.apply.store.ReplicaStore;
import dev.maia.schemas.avro.WALEntry;
import dev.maia.schemas.wal.WalOrdering;

import java.util.Optional;

/**
 * Last-write-wins by the ordering rule: an entry replaces the stored one only if it orders after it.
 * Applying the same entry twice, or a set of entries in any order, leaves the same winner.
 */
public final class LwwApplier {

    /** What applying one entry did. {@code loser} is the entry that lost, when there was a contest. */
    public record Outcome(Result result, WALEntry winner, WALEntry loser) {
    }

    public enum Result {
        /** The entry is now the resource's state. */
        APPLIED,
        /** A newer entry already stands; the incoming one lost. */
        LOST,
        /** The very same entry is already the state (a redelivery). */
        ALREADY_APPLIED
    }

    private final ReplicaStore store;

    public LwwApplier(ReplicaStore store) {
        this.store = store;
    }

    public Outcome apply(WALEntry incoming, byte[] encoded) {
        Optional<WALEntry> current = store.current(incoming.getTenantId(), incoming.getResourceType(), incoming.getResourceId());
        if (current.isPresent() && current.get().getId().equals(incoming.getId())) {
            return new Outcome(Result.ALREADY_APPLIED, current.get(), null);
        }
        if (WalOrdering.supersedes(incoming, current.orElse(null))) {
            store.putWinning(incoming, encoded, current.orElse(null));
            return new Outcome(Result.APPLIED, incoming, current.orElse(null));
        }
        return new Outcome(Result.LOST, current.get(), incoming);
    }
}
