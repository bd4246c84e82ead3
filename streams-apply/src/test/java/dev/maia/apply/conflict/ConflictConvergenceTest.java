package dev.maia.apply.conflict;

import dev.maia.apply.store.StateDigest;
import dev.maia.schemas.avro.ConflictStrategy;
import dev.maia.schemas.avro.Memory;
import dev.maia.schemas.avro.Operation;
import dev.maia.schemas.avro.Relation;
import dev.maia.schemas.avro.ResourceType;
import dev.maia.schemas.avro.WALEntry;
import dev.maia.schemas.wal.AvroClasses;
import dev.maia.schemas.wal.HybridLogicalClock;
import dev.maia.schemas.wal.SingleObjectWalCodec;
import dev.maia.schemas.wal.WalAncestry;
import dev.maia.schemas.wal.WalEntries;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import java.util.Arrays;
import java.util.Collections;

/**
 * Every region applies the same entries in its own order; the stored bytes (the {@code maia verify}
 * digest) and the conflicts reported must not depend on that order. Histories are applied in every
 * permutation to a store each.
 */
class ConflictConvergenceTest {
    static {
        AvroClasses.trust();
    }

    private final SingleObjectWalCodec codec = new SingleObjectWalCodec();

    static Memory memory(String content, List<String> tags, Map<String, String> metadata, List<Relation> relations) {
        Instant t = Instant.ofEpochMilli(1_000);
        return Memory.newBuilder().setId("m").setNamespace("ns").setContent(content).setTags(new ArrayList<>(tags))
                .setMetadata(new TreeMap<>(metadata)).setRelations(new ArrayList<>(relations)).setCreatedAt(t).setUpdatedAt(t).build();
    }

    static WALEntry write(Operation op, WALEntry builtOn, Memory m, long epoch, long millis, String origin, ConflictStrategy strategy) {
        WALEntry e = WalEntries.memoryChange(op, "acme", "m", "ns", op == Operation.DELETE ? null : m,
                HybridLogicalClock.pack(millis, 0), origin, epoch);
        WalAncestry.builtOn(e, builtOn);
        e.setConflictStrategy(strategy);
        return e;
    }

    static Relation relation(String target, String name, double weight) {
        return Relation.newBuilder().setTargetId(target).setRelation(name).setWeight(weight).build();
    }

    /** What one region ends with after applying {@code order}: its digest and the conflicts it reported. */
    private record Run(String digest, Set<String> conflicts, WALEntry state) {
    }

    private Run apply(List<WALEntry> order) {
        InMemoryReplicaStore store = new InMemoryReplicaStore(codec);
        ResourceApplier applier = new ResourceApplier(store, codec);
        Set<String> conflicts = new TreeSet<>();
        for (WALEntry e : order) {
            applier.apply(e, codec.encode(e)).conflicts().forEach(p ->
                    conflicts.add(ConflictFeed.key(p) + " " + p.strategy() + " " + Arrays.hashCode(ConflictFeed.value(p))));
        }
        return new Run(StateDigest.of(store, "acme").digest(), conflicts, store.current("acme", ResourceType.memory, "m").orElseThrow());
    }

    private List<Run> everyOrder(List<WALEntry> history) {
        List<Run> runs = new ArrayList<>();
        permute(new ArrayList<>(history), 0, runs);
        return runs;
    }

    private void permute(List<WALEntry> h, int k, List<Run> runs) {
        if (k == h.size()) {
            runs.add(apply(h));
            return;
        }
        for (int i = k; i < h.size(); i++) {
            Collections.swap(h, k, i);
            permute(h, k + 1, runs);
            Collections.swap(h, k, i);
        }
    }

    @ParameterizedTest
    @EnumSource(ConflictStrategy.class)
    void threeConcurrentWritesAndALateBaseConvergeToTheSameBytesAndTheSameConflictsInEveryOrder(ConflictStrategy strategy) {
        WALEntry base = write(Operation.CREATE, null, memory("base", List.of("b"), Map.of("k", "0"), List.of()), 1, 1_000, "us-west", strategy);
        WALEntry a = write(Operation.UPDATE, base, memory("a", List.of("b", "a"), Map.of("k", "0"),
                List.of(relation("x", "rel", 1.0))), 3, 1_100, "eu-central", strategy);
        WALEntry b = write(Operation.UPDATE, base, memory("b", List.of("b", "bb"), Map.of("k", "2"),
                List.of(relation("x", "rel", 0.2), relation("y", "rel", 0.5))), 1, 1_300, "us-west", strategy);
        WALEntry c = write(Operation.UPDATE, base, memory("c", List.of("c"), Map.of("k", "3", "only_c", "1"), List.of()),
                2, 1_200, "ap-tokyo", strategy);

        List<Run> runs = everyOrder(List.of(base, a, b, c));

        assertThat(runs).hasSize(24);
        assertThat(runs.stream().map(Run::digest).distinct()).as("stored bytes").hasSize(1);
        // Not the conflicts reported: a region that held x1 when y came reports (x1, y) besides (x2, y)
        // (architecture §10).
        assertThat(runs.get(0).conflicts()).as("every pair of the three, once").hasSize(3);
        Memory state = (Memory) runs.get(0).state().getData();
        assertThat(runs.get(0).state().getId()).as("a resolution of its own").isNotIn(a.getId(), b.getId(), c.getId());
        assertThat(List.of(a, b, c)).as("its lineage takes in every version it resolves")
                .allMatch(v -> WalAncestry.isAncestor(v, runs.get(0).state()));
        if (strategy == ConflictStrategy.lww) {
            assertThat(state).isEqualTo(a.getData());
        } else {
            // a > c > b by epoch: scalars from a; k from the greatest that has it (a has k=0); union of tags.
            assertThat(state.getContent()).isEqualTo("a");
            assertThat(state.getTags()).containsExactly("a", "b", "bb", "c");
            assertThat(state.getMetadata()).containsExactlyInAnyOrderEntriesOf(Map.of("k", "0", "only_c", "1"));
            assertThat(state.getRelations()).containsExactly(relation("x", "rel", 1.0), relation("y", "rel", 0.5));
        }
    }

    @Test
    void mergeTakesAKeyFromTheGreatestVersionThatHasItWhateverTheArrivalOrder() {
        // The lead's counterexample to a pairwise merge: A > C > B, A lacks k, B has k=2, C has k=3.
        WALEntry base = write(Operation.CREATE, null, memory("base", List.of(), Map.of(), List.of()), 1, 1_000, "us-west",
                ConflictStrategy.merge);
        WALEntry a = write(Operation.UPDATE, base, memory("a", List.of(), Map.of(), List.of()), 3, 1_100, "us-west", ConflictStrategy.merge);
        WALEntry b = write(Operation.UPDATE, base, memory("b", List.of(), Map.of("k", "2"), List.of()), 1, 1_100, "eu-central",
                ConflictStrategy.merge);
        WALEntry c = write(Operation.UPDATE, base, memory("c", List.of(), Map.of("k", "3"), List.of()), 2, 1_100, "ap-tokyo",
                ConflictStrategy.merge);

        for (Run run : everyOrder(List.of(base, a, b, c))) {
            assertThat(((Memory) run.state().getData()).getMetadata()).containsExactlyEntriesOf(Map.of("k", "3"));
        }
    }

    @ParameterizedTest
    @EnumSource(ConflictStrategy.class)
    void longerBranchesAndADeleteStillConvergeToTheSameBytes(ConflictStrategy strategy) {
        WALEntry base = write(Operation.CREATE, null, memory("base", List.of("b"), Map.of(), List.of()), 1, 1_000, "us-west", strategy);
        WALEntry x1 = write(Operation.UPDATE, base, memory("x1", List.of("x1"), Map.of(), List.of()), 1, 1_100, "us-west", strategy);
        WALEntry x2 = write(Operation.UPDATE, x1, memory("x2", List.of("x2"), Map.of(), List.of()), 1, 1_200, "us-west", strategy);
        WALEntry y = write(Operation.UPDATE, base, memory("y", List.of("y"), Map.of("y", "1"), List.of()), 2, 1_050, "eu-central", strategy);
        WALEntry gone = write(Operation.DELETE, base, null, 1, 1_020, "ap-tokyo", strategy);

        List<Run> runs = everyOrder(List.of(base, x1, x2, y, gone));

        assertThat(runs.stream().map(Run::digest).distinct()).as("stored bytes").hasSize(1);
        // Not the conflicts reported: a region that held x1 when y came reports (x1, y) besides (x2, y)
        // (architecture §10).
        WALEntry state = runs.get(0).state();
        // y has the highest epoch: the delete (ordered before it) does not stand; x2 is merged in, x1 is its ancestor.
        assertThat(state.getOperation()).isEqualTo(Operation.UPDATE);
        if (strategy == ConflictStrategy.merge) {
            assertThat(((Memory) state.getData()).getTags()).containsExactly("x2", "y");
        } else {
            assertThat(state.getData()).isEqualTo(y.getData());
        }
    }

    @ParameterizedTest
    @EnumSource(ConflictStrategy.class)
    void theOldPrimarysEntriesArrivingTenVersionsLateAreNoConflict(ConflictStrategy strategy) {
        // us-west wrote b0 and b1; eu-central, promoted, built ten versions on b1. A region that gets
        // eu-central's log first receives b0 and b1 long after their descendants.
        WALEntry b0 = write(Operation.CREATE, null, memory("b0", List.of(), Map.of(), List.of()), 1, 1_000, "us-west", strategy);
        WALEntry b1 = write(Operation.UPDATE, b0, memory("b1", List.of(), Map.of(), List.of()), 1, 1_001, "us-west", strategy);
        List<WALEntry> promoted = new ArrayList<>();
        WALEntry previous = b1;
        for (int i = 0; i < 10; i++) {
            previous = write(Operation.UPDATE, previous, memory("n" + i, List.of("n" + i), Map.of(), List.of()), 2, 2_000 + i,
                    "eu-central", strategy);
            promoted.add(previous);
        }
        List<WALEntry> inOrder = new ArrayList<>(List.of(b0, b1));
        inOrder.addAll(promoted);
        List<WALEntry> lateAncestors = new ArrayList<>(promoted);
        lateAncestors.addAll(List.of(b0, b1));

        Run a = apply(inOrder);
        Run b = apply(lateAncestors);

        assertThat(b.digest()).isEqualTo(a.digest());
        assertThat(b.state().getId()).isEqualTo(previous.getId());
        assertThat(b.conflicts()).isEmpty();
    }

    @Test
    void aDeleteThatOrdersLastDeletesUnderMerge() {
        ConflictStrategy merge = ConflictStrategy.merge;
        WALEntry base = write(Operation.CREATE, null, memory("base", List.of("b"), Map.of(), List.of()), 1, 1_000, "us-west", merge);
        WALEntry x = write(Operation.UPDATE, base, memory("x", List.of("x"), Map.of(), List.of()), 1, 1_100, "us-west", merge);
        WALEntry y = write(Operation.UPDATE, base, memory("y", List.of("y"), Map.of(), List.of()), 1, 1_200, "eu-central", merge);
        WALEntry gone = write(Operation.DELETE, base, null, 2, 1_010, "ap-tokyo", merge);

        for (Run run : everyOrder(List.of(base, x, y, gone))) {
            assertThat(run.state().getOperation()).isEqualTo(Operation.DELETE);
        }
    }
}
