package dev.maia.producer;

import dev.maia.schemas.avro.Operation;
import dev.maia.schemas.avro.WALEntry;
import dev.maia.schemas.wal.AvroClasses;
import dev.maia.schemas.wal.HybridLogicalClock;
import dev.maia.schemas.wal.WalEntries;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ClockFollowerTest {
    static {
        AvroClasses.trust();
    }

    private static WALEntry appliedAt(long millis) {
        return WalEntries.memoryChange(Operation.DELETE, "acme", "m1", "ns", null, HybridLogicalClock.pack(millis, 3), "eu-central", 1);
    }

    @Test
    void aWriteAfterAnAppliedEntryOrdersAfterIt() {
        long now = 1_000_000;
        HybridLogicalClock clock = new HybridLogicalClock(() -> now);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ClockFollower follower = new ClockFollower(clock, 10_000, () -> now, "us-west", registry);

        WALEntry slightlyAhead = appliedAt(now + 5_000);
        assertThat(follower.follow(slightlyAhead)).isTrue();
        assertThat(clock.now()).isGreaterThan(slightlyAhead.getHlc());
        assertThat(registry.get("maia.clock.skew.refused").counter().count()).isZero();
    }

    @Test
    void aClockTooFarAheadIsRefusedAndCounted() {
        long now = 1_000_000;
        HybridLogicalClock clock = new HybridLogicalClock(() -> now);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ClockFollower follower = new ClockFollower(clock, 10_000, () -> now, "us-west", registry);

        assertThat(follower.follow(appliedAt(now + 3_600_000))).isFalse();
        assertThat(HybridLogicalClock.millis(clock.now())).isEqualTo(now);
        assertThat(registry.get("maia.clock.skew.refused").counter().count()).isEqualTo(1.0);
    }
}
