package dev.maia.apply;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** The apply side's counters, labelled as the RFD names them. */
final class ApplyMetrics {
    private final MeterRegistry registry;
    private final String region;

    ApplyMetrics(MeterRegistry registry, String region) {
        this.registry = registry;
        this.region = region;
    }

    void applied(String tenant, String origin) {
        counter("maia.apply.applied", tenant, origin).increment();
    }

    void duplicate(String tenant, String origin) {
        counter("maia.apply.duplicates", tenant, origin).increment();
    }

    void notHeld(String tenant, String origin) {
        counter("maia.apply.not.held", tenant, origin).increment();
    }

    /** An entry older than the state: an ancestor that arrived late, or a pre-lineage entry that lost. */
    void superseded(String tenant, String origin) {
        counter("maia.apply.superseded", tenant, origin).increment();
    }

    /** One pair of concurrent writes resolved ({@code maia_conflicts_resolved_total{tenant,strategy}}). */
    void conflict(String tenant, String strategy) {
        Counter.builder("maia.conflicts.resolved").tag("region", region).tag("tenant", tenant).tag("strategy", strategy)
                .register(registry).increment();
    }

    void error(String tenant, String origin, String reason) {
        Counter.builder("maia.replication.errors")
                .tag("region", region).tag("tenant", tenant).tag("origin_region", origin).tag("reason", reason)
                .register(registry).increment();
    }

    private Counter counter(String name, String tenant, String origin) {
        return Counter.builder(name).tag("region", region).tag("tenant", tenant).tag("origin_region", origin)
                .register(registry);
    }
}
