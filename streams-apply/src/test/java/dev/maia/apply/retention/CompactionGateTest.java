package dev.maia.apply.retention;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

class CompactionGateTest {

    @Test
    void theFirstUnappliedOffsetIsOnePastTheLowestHolder() {
        assertThat(CompactionGate.firstUnapplied(List.of(41L, 17L, 99L), 0)).isEqualTo(18);
    }

    @Test
    void aHolderThatPublishedNothingKeepsTheWholeLog() {
        assertThat(CompactionGate.firstUnapplied(List.of(99L, -1L), 0)).isEqualTo(0);
        assertThat(CompactionGate.firstUnapplied(List.of(99L, -1L), 12)).as("never before the log's start").isEqualTo(12);
    }

    @Test
    void theGateIsTheAgeOfTheOldestMissingEntryPlusIntervalAndMargin() {
        assertThat(CompactionGate.gateMs(100_000, OptionalLong.of(40_000), 5_000, 2_000)).isEqualTo(67_000);
    }

    @Test
    void withNothingMissingTheGateStillCoversWhatArrivesBeforeTheNextRound() {
        assertThat(CompactionGate.gateMs(100_000, OptionalLong.empty(), 5_000, 2_000)).isEqualTo(7_000);
    }

    @Test
    void anEntryStampedInTheFutureCountsAsNew() {
        assertThat(CompactionGate.gateMs(100_000, OptionalLong.of(160_000), 5_000, 2_000)).isEqualTo(7_000);
    }

    @Test
    void theGateSaturatesInsteadOfOverflowing() {
        assertThat(CompactionGate.gateMs(Long.MAX_VALUE, OptionalLong.of(0), Long.MAX_VALUE, 1)).isEqualTo(CompactionGate.CLOSED);
    }

    @Test
    void aCopyIsTruncatedBelowWhatWasAppliedButKeepsItsLastRecord() {
        assertThat(CompactionGate.copyTruncation(30, 0, 100)).isEqualTo(30);
        assertThat(CompactionGate.copyTruncation(100, 0, 100)).as("all applied: the last record stays").isEqualTo(99);
        assertThat(CompactionGate.copyTruncation(5, 10, 100)).as("never before the start").isEqualTo(10);
        assertThat(CompactionGate.copyTruncation(0, 0, 0)).as("an empty copy").isEqualTo(0);
    }
}
