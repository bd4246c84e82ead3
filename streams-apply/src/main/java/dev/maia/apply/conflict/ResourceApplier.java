package dev.maia.apply.conflict;

import dev.maia.apply.store.ReplicaStore;
import dev.maia.schemas.avro.ConflictStrategy;
import dev.maia.schemas.avro.WALEntry;
import dev.maia.schemas.wal.CorruptEntryException;
import dev.maia.schemas.wal.WalAncestry;
import dev.maia.schemas.wal.WalCodec;
import dev.maia.schemas.wal.WalOrdering;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Applies one verified entry to its resource by lineage first, then by the tenant's strategy.
 *
 * <p>The state of a resource is a set of heads: versions no other version it holds was built on. Almost
 * always one, the last write. An incoming entry that names a head in its lineage replaces it (an ordinary
 * update); one that a head names is an ancestor arriving late (another origin log was faster) and
 * changes nothing; one built on the stored state when that state resolves several heads replaces them
 * all. Otherwise the entry is concurrent with the heads that remain: each such pair is a conflict, and
 * the heads are resolved by the strategy of the greatest of them ({@link LwwResolver},
 * {@link MergeResolver}) into a {@link Resolution}, kept with the heads (the siblings) until a write built
 * on it arrives. Entries of writers older than lineage ({@link WalAncestry#knowsLineage}) are
 * resolved by the ordering rule alone and never counted.
 */
public final class ResourceApplier {
    private static final Comparator<Version> ORDER = Comparator.comparing(Version::entry, WalOrdering.ORDER);

    /**
     * What applying one entry did. {@code conflicts} is non-empty only for {@link Result#RESOLVED};
     * {@code replaced} is the state an {@link Result#APPLIED} entry replaced (null when it created the
     * resource, and for every other result).
     */
    public record Outcome(Result result, Version stored, List<ConflictPair> conflicts, Version replaced) {
        Outcome(Result result, Version stored, List<ConflictPair> conflicts) {
            this(result, stored, conflicts, null);
        }
    }

    public enum Result {
        /** The entry is now the resource's state: a create, an ordinary update, a delete. */
        APPLIED,
        /** The entry was concurrent with versions already held; they were resolved together. */
        RESOLVED,
        /** The entry is older than the state (an ancestor arriving late, or an old writer's entry that lost). */
        SUPERSEDED,
        /** The very same entry is already held (a redelivery). */
        ALREADY_APPLIED
    }

    private final ReplicaStore store;
    private final WalCodec codec;
    private final ConflictResolver lww = new LwwResolver();
    private final ConflictResolver merge;

    public ResourceApplier(ReplicaStore store, WalCodec codec) {
        this.store = store;
        this.codec = codec;
        this.merge = new MergeResolver();
    }

    public Outcome apply(WALEntry incoming, byte[] encoded) {
        Version in = new Version(incoming, encoded);
        Optional<Version> current = store.winning(incoming.getTenantId(), incoming.getResourceType(), incoming.getResourceId())
                .map(this::decode);
        if (current.isEmpty()) {
            store.putWinning(incoming, encoded, null);
            return new Outcome(Result.APPLIED, in, List.of());
        }
        Version state = current.get();
        List<Version> heads = heads(incoming, state);
        if (heads.stream().anyMatch(h -> h.id().equals(incoming.getId())) || state.id().equals(incoming.getId())) {
            return redelivered(in, state, heads);
        }
        if (!WalAncestry.knowsLineage(incoming) || heads.stream().anyMatch(h -> !WalAncestry.knowsLineage(h.entry()))) {
            return byOrderAlone(in, state);
        }
        if (WalAncestry.isAncestor(incoming, state.entry()) || heads.stream().anyMatch(h -> WalAncestry.isAncestor(incoming, h.entry()))) {
            return new Outcome(Result.SUPERSEDED, state, List.of());
        }
        // Built on the stored state itself: exactly, by id. A resolution is no entry of its origin's line,
        // so the per-origin clocks of a lineage say nothing about it; they do about every head it resolves.
        List<Version> concurrent = state.id().equals(incoming.getBasedOn()) ? List.of()
                : heads.stream().filter(h -> !WalAncestry.isAncestor(h.entry(), incoming)).toList();
        if (concurrent.isEmpty()) {
            store.putWinning(incoming, encoded, state.entry());
            return new Outcome(Result.APPLIED, in, List.of(), state);
        }
        List<Version> siblings = new ArrayList<>(concurrent);
        siblings.add(in);
        siblings.sort(ORDER);
        ConflictStrategy strategy = siblings.get(siblings.size() - 1).entry().getConflictStrategy();
        Version resolved = store(siblings, strategy, state);
        return new Outcome(Result.RESOLVED, resolved,
                concurrent.stream().map(h -> ConflictPair.of(in, h, strategy)).toList());
    }

    private ConflictResolver resolver(ConflictStrategy strategy) {
        return strategy == ConflictStrategy.merge ? merge : lww;
    }

    /** The stored state's heads: its siblings, or the state itself. */
    private List<Version> heads(WALEntry incoming, Version state) {
        List<byte[]> siblings = store.siblings(incoming.getTenantId(), incoming.getResourceType(), incoming.getResourceId());
        return siblings.isEmpty() ? List.of(state) : siblings.stream().map(this::decode).toList();
    }

    private Version store(List<Version> siblings, ConflictStrategy strategy, Version replaced) {
        Version resolved = Resolution.of(siblings, resolver(strategy).resolve(siblings), strategy, codec);
        store.putResolved(resolved.entry(), resolved.encoded(), siblings.stream().map(Version::encoded).toList(),
                replaced.entry());
        return resolved;
    }

    /**
     * The entry is held already. Its position had not moved, so the store may have been left half way
     * (siblings written, state not, or the reverse); resolving again from what is held repairs that.
     */
    private Outcome redelivered(Version in, Version state, List<Version> heads) {
        if (heads.size() > 1) {
            List<Version> sorted = new ArrayList<>(heads);
            sorted.sort(ORDER);
            ConflictStrategy strategy = sorted.get(sorted.size() - 1).entry().getConflictStrategy();
            if (!Resolution.derivedId(sorted).equals(state.id())) {
                store(sorted, strategy, state);
            }
        }
        return new Outcome(Result.ALREADY_APPLIED, state, List.of());
    }

    /** An entry from before lineage: the ordering rule decides, as it always did, and nothing is a conflict. */
    private Outcome byOrderAlone(Version in, Version state) {
        if (WalOrdering.supersedes(in.entry(), state.entry())) {
            store.putWinning(in.entry(), in.encoded(), state.entry());
            return new Outcome(Result.APPLIED, in, List.of(), state);
        }
        return new Outcome(Result.SUPERSEDED, state, List.of());
    }

    private Version decode(byte[] bytes) {
        try {
            return new Version(codec.decode(bytes), bytes);
        } catch (CorruptEntryException e) {
            // Only verified entries are stored, so this means the store file itself is damaged.
            throw new IllegalStateException("a stored entry is damaged: " + e.getMessage(), e);
        }
    }
}
