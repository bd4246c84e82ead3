package dev.maia.apply;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The apply counters are cached per series; a tenant dropped and held again still counts in the registry. */
class ApplyMetricsTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private double applied(String tenant) {
        var counter = registry.find(ApplyMetrics.APPLIED).tag("tenant", tenant).counter();
        return counter == null ? -1 : counter.count();
    }

    @Test
    void aTenantHeldAgainCountsInARegisteredCounter() {
        ApplyMetrics applying = new ApplyMetrics(registry, "eu-central");
        ApplyMetrics rounds = new ApplyMetrics(registry, "eu-central"); // the lag monitor's, as in ApplyService
        applying.applied("acme", "us-west");
        applying.applied("acme", "us-west");
        assertThat(applied("acme")).isEqualTo(2.0);

        rounds.held(Map.of(), Set.of("acme"));
        assertThat(applied("acme")).isEqualTo(-1);

        applying.applied("acme", "us-west");
        assertThat(applied("acme")).isEqualTo(1.0);
    }
}
