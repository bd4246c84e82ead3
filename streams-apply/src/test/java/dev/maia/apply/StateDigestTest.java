package dev.maia.apply;

import dev.maia.apply.position.PositionTracker;
import dev.maia.apply.conflict.ResourceApplier;
import dev.maia.apply.store.ChronicleReplicaStore;
import dev.maia.apply.store.StateDigest;
import dev.maia.apply.store.StoreConfig;
import dev.maia.schemas.avro.Memory;
import dev.maia.schemas.avro.Namespace;
import dev.maia.schemas.avro.Operation;
import dev.maia.schemas.avro.WALEntry;
import dev.maia.schemas.wal.AvroClasses;
import dev.maia.schemas.wal.HybridLogicalClock;
import dev.maia.schemas.wal.SingleObjectWalCodec;
import dev.maia.schemas.wal.WalEntries;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The digest {@code maia verify} compares: the same entries in any order give the same digest; a delete changes it. */
class StateDigestTest {
    static {
        AvroClasses.trust();
    }

    private final SingleObjectWalCodec codec = new SingleObjectWalCodec();
    @TempDir
    Path dir;

    private ChronicleReplicaStore store(String name) {
        return ChronicleReplicaStore.open(new StoreConfig(dir.resolve(name), 1_000, 256, 100), codec);
    }

    private static WALEntry memory(String tenant, String id, String content, long millis, Operation op) {
        Instant t = Instant.ofEpochMilli(millis);
        Memory m = op == Operation.DELETE ? null
                : Memory.newBuilder().setId(id).setNamespace("ns").setContent(content).setCreatedAt(t).setUpdatedAt(t).build();
        return WalEntries.memoryChange(op, tenant, id, "ns", m, HybridLogicalClock.pack(millis, 0), "us-west", 0);
    }

    private static WALEntry namespace(String id, long millis) {
        Namespace n = Namespace.newBuilder().setId(id).setName("ns").setCreatedAt(Instant.EPOCH).setUpdatedAt(Instant.EPOCH).build();
        return WalEntries.namespaceChange(Operation.CREATE, "acme", id, n, HybridLogicalClock.pack(millis, 0), "us-west", 0);
    }

    /** Creates, updates of the same memories, a namespace, and another tenant's write (each entry has its own id). */
    private final List<WALEntry> history = history();

    private static List<WALEntry> history() {
        List<WALEntry> out = new ArrayList<>();
        out.add(namespace("n1", 500));
        for (int i = 0; i < 20; i++) {
            out.add(memory("acme", "m" + i, "v1", 1_000 + i, Operation.CREATE));
            out.add(memory("acme", "m" + i, "v2", 2_000 + i, Operation.UPDATE));
        }
        out.add(memory("globex", "g1", "other tenant", 1_000, Operation.CREATE));
        return out;
    }

    private void applyAll(ChronicleReplicaStore store, List<WALEntry> entries) {
        ResourceApplier applier = new ResourceApplier(store, codec);
        entries.forEach(e -> applier.apply(e, codec.encode(e)));
    }

    @Test
    void theSameEntriesInAnotherOrderGiveTheSameDigest() {
        List<WALEntry> shuffled = new ArrayList<>(history);
        Collections.shuffle(shuffled, new Random(7));
        try (ChronicleReplicaStore inOrder = store("a"); ChronicleReplicaStore outOfOrder = store("b")) {
            applyAll(inOrder, history);
            applyAll(outOfOrder, shuffled);
            applyAll(outOfOrder, history); // redelivered: changes nothing

            StateDigest a = StateDigest.of(inOrder, "acme");
            assertThat(StateDigest.of(outOfOrder, "acme")).isEqualTo(a);
            assertThat(a.resources()).isEqualTo(21);
            assertThat(a.digest()).hasSize(64).isNotEqualTo(StateDigest.of(inOrder, "globex").digest());
            assertThat(StateDigest.of(inOrder, "nobody").resources()).isZero();
        }
    }

    @Test
    void aTombstoneCountsAndChangesTheDigest() {
        try (ChronicleReplicaStore kept = store("a"); ChronicleReplicaStore deleted = store("b")) {
            applyAll(kept, history);
            applyAll(deleted, history);
            applyAll(deleted, List.of(memory("acme", "m3", null, 3_000, Operation.DELETE)));

            StateDigest before = StateDigest.of(kept, "acme");
            StateDigest after = StateDigest.of(deleted, "acme");
            assertThat(after.resources()).as("a tombstone is a winning entry too").isEqualTo(before.resources());
            assertThat(after.digest()).isNotEqualTo(before.digest());
            assertThat(StateDigest.of(deleted, "globex")).as("another tenant's digest is its own").isEqualTo(StateDigest.of(kept, "globex"));
        }
    }

    @Test
    void aStateIsReadAtOneVectorOnlyWhileNothingIsBeingApplied() {
        try (ChronicleReplicaStore store = store("a")) {
            PositionTracker positions = new PositionTracker(store);
            positions.applied("us-west", "acme", 2, 41, 0, 0);
            positions.applied("us-west", "globex", 0, 9, 0, 0);

            PositionTracker.Applying inFlight = positions.applying("acme");
            assertThat(positions.readAtOneVector("acme", () -> "state")).as("an entry is half applied").isEmpty();
            assertThat(positions.readAtOneVector("globex", () -> "state")).as("other tenants are not held up").isPresent();
            inFlight.close();

            PositionTracker.AtVector<String> read = positions.readAtOneVector("acme", () -> "state").orElseThrow();
            assertThat(read.vector()).isEqualTo(Map.of("us-west/2", 41L));
            assertThat(positions.readAtOneVector("acme", () -> {
                positions.applying("acme").close(); // an entry applied while reading
                return "state";
            })).isEmpty();
        }
    }

    @Test
    void aPartitionWhoseNewestEntriesWereDeadLetteredIsPassedThoughNotApplied() {
        try (ChronicleReplicaStore store = store("a")) {
            PositionTracker positions = new PositionTracker(store);
            positions.applied("us-west", "acme", 1, 4, 0, 0);
            positions.deadLettered("us-west", "acme", 1, 5);
            positions.deadLettered("us-west", "acme", 0, 0); // the partition's only entry was refused

            PositionTracker.AtVector<String> read = positions.readAtOneVector("acme", () -> "state").orElseThrow();
            assertThat(read.vector()).as("the state is of what was applied").isEqualTo(Map.of("us-west/1", 4L));
            assertThat(read.passed()).as("the apply path is done with the refused entries too")
                    .isEqualTo(Map.of("us-west/0", 0L, "us-west/1", 5L));
            assertThat(positions.readAtOneVector("acme", () -> {
                positions.deadLettered("us-west", "acme", 1, 6); // refused while reading
                return "state";
            })).isEmpty();
        }
    }
}
