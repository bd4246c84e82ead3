package dev.maia.producer;

import dev.maia.schemas.avro.Memory;
import dev.maia.schemas.avro.Operation;
import dev.maia.schemas.avro.ResourceType;
import dev.maia.schemas.avro.WALEntry;
import dev.maia.schemas.http.ApiException;
import dev.maia.schemas.wal.HybridLogicalClock;
import dev.maia.schemas.wal.PositionToken;
import dev.maia.schemas.wal.WalEntries;
import org.junit.jupiter.api.Test;

import static dev.maia.producer.TestRegion.NOW_MS;
import static dev.maia.producer.TestRegion.REGION;
import static dev.maia.producer.TestRegion.TENANT;
import static org.assertj.core.api.Assertions.assertThat;

/** The region's own appended but unapplied writes: what later writes build on, and how long they are kept. */
class OwnWritesTest {

    @Test
    void writesBuildOnTheRegionsOwnUnappliedWritesWithoutWaitingForTheApply() throws Exception {
        TestRegion region = new TestRegion();
        region.state.lag();

        region.json("POST", "/v1/memories", "{\"id\":\"m1\",\"namespace\":\"ns\",\"content\":\"hello\"}", 201);
        region.json("PUT", "/v1/memories/m1", "{\"content\":\"changed\"}", 200);
        assertThat(region.json("PUT", "/v1/memories/m1", "{\"confidence\":0.9}", 200).get("content").asText()).isEqualTo("changed");
        region.json("DELETE", "/v1/memories/m1", null, 200);
        assertThat(region.refusal("PUT", "/v1/memories/m1", "{\"content\":\"zombie\"}").status()).isEqualTo(404);
        region.json("POST", "/v1/memories", "{\"id\":\"m1\",\"namespace\":\"ns\",\"content\":\"reborn\"}", 201);

        region.state.catchUp();
        assertThat(((Memory) region.stored(ResourceType.memory, "m1")).getContent()).isEqualTo("reborn");
        assertThat(region.wal.entries()).extracting(WALEntry::getHlc).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void whileTheApplyStallsAFullOverlayRefusesWritesWith503UntilItCatchesUp() throws Exception {
        TestRegion region = new TestRegion(3);
        region.state.lag();
        for (int i = 0; i < 3; i++) {
            region.json("POST", "/v1/memories", "{\"namespace\":\"ns\",\"content\":\"c" + i + "\"}", 201);
        }

        ApiException e = region.refusal("POST", "/v1/memories", "{\"namespace\":\"ns\",\"content\":\"one too many\"}");
        assertThat(e.status()).isEqualTo(503);
        assertThat(e.code()).isEqualTo("APPLY_BEHIND");
        assertThat(region.wal.entries()).hasSize(3);

        region.state.catchUp();
        region.json("POST", "/v1/memories", "{\"namespace\":\"ns\",\"content\":\"accepted again\"}", 201);
    }

    @Test
    void anEntryLeavesOnceApplied() {
        MapCurrentState state = new MapCurrentState();
        OwnWrites own = new OwnWrites(REGION, state, 10);
        WALEntry created = WalEntries.memoryChange(Operation.CREATE, TENANT, "m1", "ns", null,
                HybridLogicalClock.pack(NOW_MS, 0), REGION, 1);
        state.lag();
        state.apply(created);
        own.remember(created, new PositionToken(REGION, TENANT, 0, 0));

        assertThat(own.current(TENANT, ResourceType.memory, "m1")).contains(created);
        assertThat(own.size()).isEqualTo(1);

        state.catchUp();
        assertThat(own.current(TENANT, ResourceType.memory, "m1")).contains(created);
        assertThat(own.size()).isZero();
    }

    @Test
    void anAppliedEntryThatOrdersAfterAnUnappliedOneWins() {
        MapCurrentState state = new MapCurrentState();
        OwnWrites own = new OwnWrites(REGION, state, 10);
        // Applied from another region under a later placement epoch: the apply path will keep it, not mine.
        WALEntry later = WalEntries.memoryChange(Operation.UPDATE, TENANT, "m1", "ns", null, HybridLogicalClock.pack(NOW_MS, 0), "eu-central", 2);
        state.apply(later);
        state.lag();
        WALEntry mine = WalEntries.memoryChange(Operation.UPDATE, TENANT, "m1", "ns", null, HybridLogicalClock.pack(NOW_MS, 1), REGION, 1);
        own.remember(mine, new PositionToken(REGION, TENANT, 0, 0));

        assertThat(own.current(TENANT, ResourceType.memory, "m1")).contains(later);
    }

    /**
     * Issue 14: under a full overlay every write swept it, asking the applied state once per entry (under
     * its monitor), one write after the other: HTTP writes were held at ~700/s. A sweep learns each
     * partition's applied offset from a few probes, and still takes out exactly the applied entries.
     */
    @Test
    void aSweepOfAFullOverlayProbesEachPartitionAFewTimesNotOncePerEntry() {
        java.util.concurrent.atomic.AtomicInteger probes = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicLong appliedUpTo = new java.util.concurrent.atomic.AtomicLong(-1);
        dev.maia.schemas.read.CurrentState applied = new dev.maia.schemas.read.CurrentState() {
            @Override
            public java.util.Optional<WALEntry> current(String tenantId, ResourceType type, String resourceId) {
                return java.util.Optional.empty();
            }

            @Override
            public boolean awaitApplied(String origin, String tenantId, int partition, long offset, long timeoutMs) {
                probes.incrementAndGet();
                return offset <= appliedUpTo.get();
            }

            @Override
            public java.util.List<String> namespacesNamed(String tenantId, String name) {
                return java.util.List.of();
            }
        };
        int capacity = 1000;
        OwnWrites own = new OwnWrites(REGION, applied, capacity);
        for (int i = 0; i < capacity; i++) {
            WALEntry e = WalEntries.memoryChange(Operation.CREATE, TENANT, "m" + i, "ns", null,
                    HybridLogicalClock.pack(NOW_MS, i), REGION, 1);
            // Not in offset order, as a map of pending entries is walked.
            own.remember(e, new PositionToken(REGION, TENANT, 0, (i * 7919L) % capacity));
        }
        // The apply path reaches offset 499 only now: the overlay is full, the next write sweeps it.
        appliedUpTo.set(499);
        probes.set(0);

        own.requireRoom(1);

        assertThat(own.size()).isEqualTo(capacity - 500);
        assertThat(probes.get()).as("probes of the applied state in one sweep of %d entries", capacity).isLessThan(100);
    }
}
