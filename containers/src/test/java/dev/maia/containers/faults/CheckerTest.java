package dev.maia.containers.faults;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Which faults hit a tenant: those on the region that was its primary when the fault began. */
class CheckerTest {
    private static final FaultTenant SYNC = FaultTenant.plan("t").get(0);

    private static Op answered(String region, String outcome, int status, long endMs) {
        return new Op("write", SYNC.id(), "m" + endMs, "v", region, outcome, status, null, SYNC.syncMode(), 0, 1,
                endMs - 10, endMs, 1);
    }

    @Test
    void thePrimaryAtAFaultIsTheRegionOfTheLastCreatedWriteBeforeIt() {
        List<Op> ops = List.of(
                answered("us-west", "ok", 201, 1_000),
                // The nemesis's own op, as Nemesis records it: no tenant (the long form's fourth run died of it).
                new Op("fault", null, "kill-maia us-west", null, "us-west", "inject", 0, null, null, -1, -1, 1_200, 1_200, 0),
                answered("eu-central", "ok", 201, 2_000), // failed over
                answered("us-west", "redirect", 307, 2_500), // the old primary only redirects now
                answered("us-west", "ok", 201, 9_000));

        assertThat(Checker.primaryAt(ops, SYNC, 1_500)).isEqualTo("us-west");
        assertThat(Checker.primaryAt(ops, SYNC, 3_000)).as("after the failover, not where it was placed").isEqualTo("eu-central");
        assertThat(Checker.primaryAt(List.of(), SYNC, 3_000)).as("nothing written yet: where it was placed")
                .isEqualTo(SYNC.primary());
    }
}
