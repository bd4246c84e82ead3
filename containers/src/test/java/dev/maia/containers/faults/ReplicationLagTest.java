package dev.maia.containers.faults;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The lag the nemesis records at a fault's start: the tenant's largest series, nothing of other tenants. */
class ReplicationLagTest {

    @Test
    void takesTheTenantsLargestLagAndIgnoresOtherTenantsAndNonNumbers() {
        String metrics = """
                # HELP maia_replication_lag_seconds age of the oldest write not applied here
                maia_replication_lag_seconds{origin_region="us-west",region="eu-central",tenant="t1"} 1.5
                maia_replication_lag_seconds{origin_region="ap-tokyo",region="eu-central",tenant="t1"} 4.25
                maia_replication_lag_seconds{origin_region="us-west",region="eu-central",tenant="t10"} 99.0
                maia_replication_lag_seconds{origin_region="us-west",region="eu-central",tenant="t2"} 7.0
                maia_replication_lag_seconds{origin_region="x",region="eu-central",tenant="t1"} NaN
                """;
        assertThat(ReplicationLag.parse(metrics, "t1")).isEqualTo(4.25);
        assertThat(ReplicationLag.parse(metrics, "t3")).isZero();
    }
}
