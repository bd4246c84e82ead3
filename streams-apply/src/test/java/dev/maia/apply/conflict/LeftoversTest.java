package dev.maia.apply.conflict;

import dev.maia.schemas.avro.DrainedOffset;
import dev.maia.schemas.avro.Failover;
import dev.maia.schemas.avro.Memory;
import dev.maia.schemas.avro.Operation;
import dev.maia.schemas.avro.WALEntry;
import dev.maia.schemas.wal.HybridLogicalClock;
import dev.maia.schemas.wal.WalEntries;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Which entries are an old primary's leftovers, by partition: what TopologyTestDriver's single partition cannot show. */
class LeftoversTest {
    private static DrainedOffset applied(String origin, int partition, long offset) {
        return DrainedOffset.newBuilder().setOriginRegion(origin).setPartition(partition).setOffset(offset).build();
    }

    private static final Failover FAILOVER = Failover.newBuilder().setEpoch(5).setFromRegion("us-west").setLapsedLeaseOffset(-1)
            .setApplied(List.of(applied("us-west", 0, 10), applied("us-west", 2, 3), applied("ap-tokyo", 1, 99)))
            .setAt(Instant.EPOCH).setForced(true).build();

    private static WALEntry entry(String origin, long epoch) {
        Memory m = Memory.newBuilder().setId("m").setNamespace("ns").setContent("x").setCreatedAt(Instant.EPOCH)
                .setUpdatedAt(Instant.EPOCH).build();
        return WalEntries.memoryChange(Operation.UPDATE, "acme", "m", "ns", m, HybridLogicalClock.pack(1_000, 0), origin, epoch);
    }

    @Test
    void eachPartitionHasItsOwnBoundAndAPartitionNotListedHadNothingApplied() {
        WALEntry old = entry("us-west", 4);
        assertThat(Leftovers.isLeftover(FAILOVER, old, 0, 10)).isFalse();
        assertThat(Leftovers.isLeftover(FAILOVER, old, 0, 11)).isTrue();
        assertThat(Leftovers.isLeftover(FAILOVER, old, 2, 3)).isFalse();
        assertThat(Leftovers.isLeftover(FAILOVER, old, 2, 4)).isTrue();
        // Partition 1 of us-west's log is not listed (another origin's partition 1 is): its offset 0 is beyond.
        assertThat(Leftovers.isLeftover(FAILOVER, old, 1, 0)).isTrue();
    }

    @Test
    void onlyTheOldPrimarysEntriesOfAnEarlierEpochAreLeftovers() {
        assertThat(Leftovers.isLeftover(FAILOVER, entry("us-west", 5), 1, 50)).isFalse();
        assertThat(Leftovers.isLeftover(FAILOVER, entry("us-west", 6), 1, 50)).isFalse();
        assertThat(Leftovers.isLeftover(FAILOVER, entry("ap-tokyo", 4), 1, 50)).isFalse();
        assertThat(Leftovers.isLeftover(FAILOVER, entry("us-west", 0), 1, 50)).isTrue();
    }
}
