package dev.maia.containers.faults;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The checker's rule for lost writes, without a stack: what it lets pass and what fails the suite. */
class LossRuleTest {

    private static final FaultTenant SYNC = FaultTenant.plan("t").get(0);
    private static final FaultTenant ASYNC = FaultTenant.plan("t").get(2);
    /** A fault from t=100 s to t=120 s, the async tenant's regions 3 s behind as it began. */
    private static final List<FaultEvent> FAULTS = List.of(new FaultEvent("cut ap-tokyo", "ap-tokyo", 100_000, 120_000,
            130_000, Map.of(ASYNC.id(), 3.0, SYNC.id(), 3.0)));

    private static Op ackedAt(FaultTenant t, String id, long endMs) {
        return new Op("write", t.id(), id, "v", t.primary(), "ok", 201, null, t.syncMode(), 0, 1, endMs - 10, endMs, 1);
    }

    @Test
    void aLostSyncWriteIsNeverExcusedEvenInTheConflictFeedOrDuringAFault() {
        assertThat(LossRule.excused(ackedAt(SYNC, "a", 99_000), SYNC, Set.of("a"), FAULTS)).isFalse();
    }

    @Test
    void aLostAsyncWriteIsExcusedByTheConflictFeed() {
        assertThat(LossRule.excused(ackedAt(ASYNC, "a", 10_000), ASYNC, Set.of("a"), FAULTS)).isTrue();
    }

    @Test
    void aLostAsyncWriteIsExcusedWithinTheLagReportedAtTheFaultsStartPlusTheSlack() {
        assertThat(LossRule.excused(ackedAt(ASYNC, "a", 100_000 - 3_000 - LossRule.LAG_SLACK_MS), ASYNC, Set.of(), FAULTS)).isTrue();
        assertThat(LossRule.excused(ackedAt(ASYNC, "a", 110_000), ASYNC, Set.of(), FAULTS)).isTrue();
    }

    @Test
    void aLostAsyncWriteAcknowledgedLongBeforeOrAfterEveryFaultFailsTheSuite() {
        assertThat(LossRule.excused(ackedAt(ASYNC, "a", 90_000), ASYNC, Set.of(), FAULTS)).isFalse();
        assertThat(LossRule.excused(ackedAt(ASYNC, "a", 125_000), ASYNC, Set.of(), FAULTS)).isFalse();
    }
}
