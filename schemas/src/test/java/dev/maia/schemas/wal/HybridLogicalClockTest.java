package dev.maia.schemas.wal;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class HybridLogicalClockTest {

    @Test
    void neverGoesBackwardsEvenWhenTheWallClockDoes() {
        AtomicLong wall = new AtomicLong(1000);
        HybridLogicalClock clock = new HybridLogicalClock(wall::get);
        long a = clock.now();
        wall.set(900);
        long b = clock.now();
        assertThat(b).isGreaterThan(a);
        assertThat(HybridLogicalClock.millis(b)).isEqualTo(1000);
        assertThat(HybridLogicalClock.counter(b)).isEqualTo(1);
    }

    @Test
    void ordersAfterEveryObservedClock() {
        AtomicLong wall = new AtomicLong(1000);
        HybridLogicalClock clock = new HybridLogicalClock(wall::get);
        long remote = HybridLogicalClock.pack(5000, 7);
        clock.observe(remote);
        assertThat(clock.now()).isGreaterThan(remote);
        wall.set(6000);
        assertThat(clock.now()).isEqualTo(HybridLogicalClock.pack(6000, 0));
    }

    @Test
    void ulidsSortInIssueOrder() {
        String previous = "";
        for (int i = 0; i < 10_000; i++) {
            String id = Ulid.next();
            assertThat(Ulid.isValid(id)).isTrue();
            assertThat(id).isGreaterThan(previous);
            previous = id;
        }
    }
}
