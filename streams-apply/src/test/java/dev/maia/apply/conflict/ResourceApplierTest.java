package dev.maia.apply.conflict;

import dev.maia.schemas.avro.ConflictStrategy;
import dev.maia.schemas.avro.Memory;
import dev.maia.schemas.avro.Operation;
import dev.maia.schemas.avro.ResourceType;
import dev.maia.schemas.avro.WALEntry;
import dev.maia.schemas.wal.AvroClasses;
import dev.maia.schemas.wal.SingleObjectWalCodec;
import dev.maia.schemas.wal.WalEntries;
import dev.maia.schemas.wal.HybridLogicalClock;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.maia.apply.conflict.ConflictConvergenceTest.memory;
import static dev.maia.apply.conflict.ConflictConvergenceTest.write;
import static org.assertj.core.api.Assertions.assertThat;

/** What one entry does to a resource, by lineage: update, late ancestor, conflict, write built on a merge. */
class ResourceApplierTest {
    static {
        AvroClasses.trust();
    }

    private final SingleObjectWalCodec codec = new SingleObjectWalCodec();
    private final InMemoryReplicaStore store = new InMemoryReplicaStore(codec);
    private final ResourceApplier applier = new ResourceApplier(store, codec);

    private ResourceApplier.Outcome apply(WALEntry e) {
        return applier.apply(e, codec.encode(e));
    }

    private static Memory m(String content, String... tags) {
        return memory(content, List.of(tags), Map.of(), List.of());
    }

    @Test
    void anUpdateBuiltOnTheStateIsAppliedAndNoConflict() {
        WALEntry v1 = write(Operation.CREATE, null, m("v1"), 1, 1_000, "us-west", ConflictStrategy.lww);
        WALEntry v2 = write(Operation.UPDATE, v1, m("v2"), 1, 1_100, "us-west", ConflictStrategy.lww);

        assertThat(apply(v1).result()).isEqualTo(ResourceApplier.Result.APPLIED);
        ResourceApplier.Outcome second = apply(v2);

        assertThat(second.result()).isEqualTo(ResourceApplier.Result.APPLIED);
        assertThat(second.conflicts()).isEmpty();
        assertThat(store.current("acme", ResourceType.memory, "m").orElseThrow().getId()).isEqualTo(v2.getId());
    }

    @Test
    void anAncestorArrivingAfterItsDescendantChangesNothingAndIsNoConflict() {
        WALEntry v1 = write(Operation.CREATE, null, m("v1"), 1, 1_000, "us-west", ConflictStrategy.lww);
        WALEntry v2 = write(Operation.UPDATE, v1, m("v2"), 2, 1_100, "eu-central", ConflictStrategy.lww);
        WALEntry v3 = write(Operation.UPDATE, v2, m("v3"), 2, 1_200, "eu-central", ConflictStrategy.lww);

        apply(v2);
        apply(v3);
        ResourceApplier.Outcome late = apply(v1);

        assertThat(late.result()).isEqualTo(ResourceApplier.Result.SUPERSEDED);
        assertThat(late.conflicts()).isEmpty();
        assertThat(store.current("acme", ResourceType.memory, "m").orElseThrow().getId()).isEqualTo(v3.getId());
    }

    @Test
    void twoCreatesOfOneIdAreAConflict() {
        WALEntry here = write(Operation.CREATE, null, m("here"), 1, 1_000, "us-west", ConflictStrategy.lww);
        WALEntry there = write(Operation.CREATE, null, m("there"), 1, 1_001, "eu-central", ConflictStrategy.lww);

        apply(here);
        ResourceApplier.Outcome second = apply(there);

        assertThat(second.result()).isEqualTo(ResourceApplier.Result.RESOLVED);
        assertThat(second.conflicts()).singleElement().satisfies(p -> {
            assertThat(p.winner().id()).isEqualTo(there.getId());
            assertThat(p.loser().id()).isEqualTo(here.getId());
        });
    }

    @Test
    void aWriteBuiltOnTheMergedStateEndsTheConflict() {
        WALEntry base = write(Operation.CREATE, null, m("base", "b"), 1, 1_000, "us-west", ConflictStrategy.merge);
        WALEntry x = write(Operation.UPDATE, base, m("x", "x"), 1, 1_100, "us-west", ConflictStrategy.merge);
        WALEntry y = write(Operation.UPDATE, base, m("y", "y"), 2, 1_050, "eu-central", ConflictStrategy.merge);
        apply(base);
        apply(x);
        apply(y);
        WALEntry merged = store.current("acme", ResourceType.memory, "m").orElseThrow();
        assertThat(((Memory) merged.getData()).getTags()).containsExactly("x", "y");
        assertThat(store.siblings("acme", ResourceType.memory, "m")).hasSize(2);

        WALEntry next = write(Operation.UPDATE, merged, m("next", "n"), 1, 1_300, "us-west", ConflictStrategy.merge);
        ResourceApplier.Outcome outcome = apply(next);

        assertThat(outcome.result()).as("built on the merge, though its epoch is lower").isEqualTo(ResourceApplier.Result.APPLIED);
        assertThat(store.siblings("acme", ResourceType.memory, "m")).isEmpty();
        assertThat(store.current("acme", ResourceType.memory, "m").orElseThrow().getId()).isEqualTo(next.getId());
        assertThat(apply(x).result()).as("a merged version arriving again").isEqualTo(ResourceApplier.Result.SUPERSEDED);
    }

    @Test
    void entriesOfWritersOlderThanLineageAreResolvedByTheOrderingRuleAndNeverCounted() {
        WALEntry older = WalEntries.memoryChange(Operation.UPDATE, "acme", "m", "ns", m("old"), HybridLogicalClock.pack(1_000, 0), "us-west", 0);
        WALEntry newer = WalEntries.memoryChange(Operation.UPDATE, "acme", "m", "ns", m("new"), HybridLogicalClock.pack(2_000, 0), "us-west", 0);

        apply(newer);
        ResourceApplier.Outcome stale = apply(older);

        assertThat(stale.result()).isEqualTo(ResourceApplier.Result.SUPERSEDED);
        assertThat(stale.conflicts()).isEmpty();
        assertThat(store.current("acme", ResourceType.memory, "m").orElseThrow().getId()).isEqualTo(newer.getId());
    }
}
