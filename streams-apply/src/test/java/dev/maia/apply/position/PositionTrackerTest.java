package dev.maia.apply.position;

import dev.maia.apply.store.ChronicleReplicaStore;
import dev.maia.apply.store.StoreConfig;
import dev.maia.apply.store.StoreFullException;
import dev.maia.schemas.position.PositionKey;
import dev.maia.schemas.position.Positions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Positions are applied in memory and reach the store at a flush; a restart starts from what was flushed. */
class PositionTrackerTest {
    @TempDir
    Path dir;
    private ChronicleReplicaStore store;

    @BeforeEach
    void open() {
        store = ChronicleReplicaStore.open(new StoreConfig(dir.resolve("store"), 1_000, 256, 4));
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void anAppliedPositionIsVisibleAtOnceAndDurableOnlyAfterAFlush() {
        PositionTracker positions = new PositionTracker(store);
        positions.applied("us-west", "acme", 0, 41, 1L << 16, 1_000);
        positions.applied("us-west", "acme", 0, 42, 2L << 16, 2_000);

        assertThat(positions.appliedOffset("us-west", "acme", 0)).isEqualTo(42);
        assertThat(store.appliedOffset("us-west", "acme", 0)).isEqualTo(-1);
        assertThat(positions.unflushedCount()).isEqualTo(1);

        positions.flush();

        assertThat(store.appliedOffset("us-west", "acme", 0)).isEqualTo(42);
        assertThat(positions.unflushedCount()).isZero();
    }

    @Test
    void aRestartBeforeTheFlushResumesFromTheLastFlushedPosition() {
        PositionTracker before = new PositionTracker(store);
        before.applied("us-west", "acme", 1, 10, 0, 0);
        before.flush();
        before.applied("us-west", "acme", 1, 11, 0, 0);
        before.applied("us-west", "acme", 1, 12, 0, 0);

        // The process dies here: 11 and 12 are applied to the resources but their position is not in the store.
        PositionTracker after = new PositionTracker(store);

        assertThat(after.appliedOffset("us-west", "acme", 1)).isEqualTo(10);
        assertThat(after.appliedOffsets()).containsEntry(new PositionKey("us-west", "acme", 1), 10L);
    }

    @Test
    void aForgottenTenantIsNotWrittenBackByALaterFlush() {
        PositionTracker positions = new PositionTracker(store);
        positions.applied("us-west", "acme", 0, 5, 0, 0);
        positions.applied("us-west", "globex", 0, 7, 0, 0);

        positions.forget("acme");
        store.purgeTenant("acme");
        positions.flush();

        assertThat(store.appliedOffsets()).isEqualTo(Map.of(new PositionKey("us-west", "globex", 0), 7L));
        assertThat(positions.appliedOffset("us-west", "acme", 0)).isEqualTo(-1);
    }

    @Test
    void aPositionTheStoreCannotTakeStaysPendingAndTheFlushFails() {
        PositionTracker positions = new PositionTracker(store);
        // The store was sized for 4 positions; Chronicle takes a few more before it is full, so go well past it.
        for (int p = 0; p < 2_000; p++) {
            positions.applied("us-west", "acme", p, 1, 0, 0);
        }

        assertThatThrownBy(positions::flush).isInstanceOf(StoreFullException.class);
        assertThat(positions.unflushedCount()).isPositive();
        assertThat(positions.appliedOffset("us-west", "acme", 1_999)).isEqualTo(1);
    }

    @Test
    void aDeadLetteredOffsetMovesNoPositionButTheApplyPathIsPastIt() throws Exception {
        PositionTracker positions = new PositionTracker(store);
        positions.applied("eu-central", "acme", 0, 3, 1L << 16, 1_000);
        positions.flush();
        positions.deadLettered("eu-central", "acme", 0, 4);

        assertThat(positions.appliedOffset("eu-central", "acme", 0)).isEqualTo(3);
        assertThat(positions.vector("acme")).isEqualTo(Map.of("eu-central/0", 3L));
        assertThat(positions.unflushedCount()).as("nothing new for the store").isZero();
        assertThat(positions.isDeadLettered("eu-central", "acme", 0, 4)).isTrue();
        // The write path must not wait for an entry that will never be applied, nor for one past it.
        assertThat(positions.awaitPassed("eu-central", "acme", 0, 4, 0)).isTrue();
        assertThat(positions.awaitPassed("eu-central", "acme", 0, 5, 0)).isFalse();
        assertThat(positions.passedOffsets()).containsEntry(new PositionKey("eu-central", "acme", 0), 4L);

        positions.applied("eu-central", "acme", 0, 5, 2L << 16, 2_000);
        PositionTracker.Applied published = positions.drainUnpublished().get(new PositionKey("eu-central", "acme", 0));
        assertThat(published.offset()).isEqualTo(5);
        assertThat(published.deadLettered()).containsExactly(4L);
    }

    @Test
    void aPartitionWithOnlyDeadLetteredEntriesHasNoPosition() {
        PositionTracker positions = new PositionTracker(store);
        positions.deadLettered("eu-central", "acme", 0, 0);

        assertThat(positions.appliedOffset("eu-central", "acme", 0)).isEqualTo(-1);
        assertThat(positions.appliedOffsets()).isEmpty();
        assertThat(positions.vector("acme")).isEmpty();
    }

    @Test
    void onlyTheNewestDeadLetteredOffsetsAreKept() {
        PositionTracker positions = new PositionTracker(store);
        for (long o = 0; o < Positions.DEAD_LETTERED_KEPT + 10; o++) {
            positions.deadLettered("eu-central", "acme", 0, o);
        }

        assertThat(positions.isDeadLettered("eu-central", "acme", 0, 9)).isFalse();
        assertThat(positions.isDeadLettered("eu-central", "acme", 0, 10)).isTrue();
        assertThat(positions.snapshot().get(new PositionKey("eu-central", "acme", 0)).deadLettered())
                .hasSize(Positions.DEAD_LETTERED_KEPT);
    }
}
