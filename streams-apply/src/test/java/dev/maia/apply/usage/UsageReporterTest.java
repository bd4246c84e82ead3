package dev.maia.apply.usage;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The topics a usage report counts per tenant: its own log and the mirrored copies, nobody else's. */
class UsageReporterTest {

    @Test
    void eachTenantCountsItsLogAndItsMirroredCopiesOnly() {
        Set<String> topics = Set.of("maia.wal.acme", "us-west.maia.wal.acme", "ap-tokyo.maia.wal.acme",
                "maia.wal.acme2", "us-west.maia.wal.globex", "maia.positions", "maia.placement", "heartbeats",
                "mm2-offsets.us-west.internal");
        assertThat(UsageReporter.walTopicsPerTenant(topics, "eu-central"))
                .isEqualTo(Map.of("acme", 3, "acme2", 1, "globex", 1));
    }

    @Test
    void aThousandTenantsWithThreeCopiesEachAreEachCountedOnce() {
        Set<String> topics = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            topics.add("maia.wal.t" + i);
            topics.add("us-west.maia.wal.t" + i);
            topics.add("ap-tokyo.maia.wal.t" + i);
        }
        Map<String, Integer> perTenant = UsageReporter.walTopicsPerTenant(topics, "eu-central");
        assertThat(perTenant).hasSize(1000);
        assertThat(perTenant.values()).containsOnly(3);
    }
}
