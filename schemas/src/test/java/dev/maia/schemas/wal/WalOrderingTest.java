package dev.maia.schemas.wal;

import dev.maia.schemas.avro.WALEntry;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class WalOrderingTest {

    /** Entries that tie on some keys but never on all four, so each comparison level is exercised. */
    private static List<WALEntry> candidates() {
        List<WALEntry> all = new ArrayList<>();
        for (long epoch : new long[]{0, 1}) {
            for (long hlc : new long[]{5L << 16, (5L << 16) + 1, 6L << 16}) {
                for (String origin : new String[]{"ap-tokyo", "eu-central", "us-west"}) {
                    all.add(TestEntries.entry("e" + epoch + "h" + hlc + origin, hlc, origin, epoch));
                    all.add(TestEntries.entry("e" + epoch + "h" + hlc + origin + "-2", hlc, origin, epoch));
                }
            }
        }
        return all;
    }

    @Test
    void isATotalOrder() {
        List<WALEntry> all = candidates();
        for (WALEntry a : all) {
            for (WALEntry b : all) {
                int ab = Integer.signum(WalOrdering.ORDER.compare(a, b));
                int ba = Integer.signum(WalOrdering.ORDER.compare(b, a));
                assertThat(ab).as("antisymmetry").isEqualTo(-ba);
                assertThat(ab == 0).as("only an entry equals itself").isEqualTo(a == b);
                for (WALEntry c : all) {
                    if (ab > 0 && WalOrdering.ORDER.compare(b, c) > 0) {
                        assertThat(WalOrdering.ORDER.compare(a, c)).as("transitivity").isPositive();
                    }
                }
            }
        }
    }

    @Test
    void theWinnerDoesNotDependOnArrivalOrder() {
        List<WALEntry> all = candidates();
        WALEntry expected = Collections.max(all, WalOrdering.ORDER);
        assertThat(expected.getPlacementEpoch()).isEqualTo(1);
        assertThat(expected.getHlc()).isEqualTo(6L << 16);
        assertThat(expected.getOriginRegion()).isEqualTo("us-west");
        Random random = new Random(7);
        for (int round = 0; round < 200; round++) {
            Collections.shuffle(all, random);
            WALEntry winner = null;
            for (WALEntry e : all) {
                if (WalOrdering.supersedes(e, winner)) {
                    winner = e;
                }
            }
            assertThat(winner).isSameAs(expected);
        }
    }

    @Test
    void aHigherEpochBeatsALaterClock() {
        WALEntry oldEpochLater = TestEntries.entry("late", 100L << 16, "us-west", 1);
        WALEntry newEpochEarlier = TestEntries.entry("early", 1L << 16, "ap-tokyo", 2);
        assertThat(WalOrdering.supersedes(newEpochEarlier, oldEpochLater)).isTrue();
        assertThat(WalOrdering.supersedes(oldEpochLater, newEpochEarlier)).isFalse();
    }
}
