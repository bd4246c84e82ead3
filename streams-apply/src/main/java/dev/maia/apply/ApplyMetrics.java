package dev.maia.apply;

import dev.maia.schemas.avro.ConflictStrategy;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The apply side's counters, labelled as the RFD names them. The ones alerts and dashboards use exist
 * from the moment a tenant is held, at 0 ({@link #held}): a series that appears only with the first error
 * cannot be alerted on ({@code increase()} of a new series is nothing).
 *
 * <p>The per-entry counters are looked up once per series and kept: building and registering a meter id
 * for every applied entry (tags sorted, the registry's map searched) was 2-6% of the stream thread
 * (docs/benchmarks.md, issue 14). A meter removed from the registry (here or by any other
 * instance, when a tenant is held no more) is dropped from the cache too, so that counting resumes in a
 * registered meter if the tenant comes back.
 */
final class ApplyMetrics {
    static final String APPLIED = "maia.apply.applied";
    static final String ERRORS = "maia.replication.errors";
    static final String CONFLICTS = "maia.conflicts.resolved";
    /** {@code maia_failover_leftovers_total{region,tenant,origin_region}}: an old primary's entries applied after a failover. */
    static final String LEFTOVERS = "maia.failover.leftovers";

    /**
     * Every reason an entry is dead-lettered for: the codecs' ({@code CorruptEntryException}: truncated,
     * checksum_mismatch, bad_header, undecodable, unknown_schema; with an encrypted WAL no_key and
     * decryption_failed) and the processor's own. A reason not in this list still counts, in a series of
     * its own that appears with it.
     */
    static final List<String> DEAD_LETTER_REASONS = List.of("checksum_mismatch", "truncated", "bad_header", "undecodable",
            "unknown_schema", "no_key", "decryption_failed", "bad_origin_offset", "origin_offset_on_local_log",
            "origin_offset_missing", "tenant_mismatch", "origin_mismatch", "entry_too_large");

    /** The meters of a tenant's series, removed once the region holds it no more. */
    private static final List<String> PER_TENANT = List.of(APPLIED, ERRORS, CONFLICTS, LEFTOVERS, "maia.apply.duplicates",
            "maia.apply.not.held", "maia.apply.superseded");

    private record Series(String name, String tenant, String origin) {
    }

    private final MeterRegistry registry;
    private final String region;
    private final Map<Series, Counter> counters = new ConcurrentHashMap<>();

    ApplyMetrics(MeterRegistry registry, String region) {
        this.registry = registry;
        this.region = region;
        registry.config().onMeterRemoved(removed -> counters.values().remove(removed));
    }

    void applied(String tenant, String origin) {
        counter(APPLIED, tenant, origin).increment();
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
        conflicts(tenant, strategy).increment();
    }

    /** One entry of the old primary {@code origin} that a failover left behind, applied or superseded here. */
    void leftover(String tenant, String origin) {
        counter(LEFTOVERS, tenant, origin).increment();
    }

    void error(String tenant, String origin, String reason) {
        errors(tenant, origin, reason).increment();
    }

    /**
     * The tenants this region holds, each with the origin regions of its logs: their errors (every reason),
     * conflicts (every strategy), failover leftovers and applied counters exist from now on, at 0 until counted; the series of
     * tenants in {@code dropped} (held no more) are removed.
     */
    void held(Map<String, Set<String>> originsByTenant, Set<String> dropped) {
        originsByTenant.forEach((tenant, origins) -> {
            for (ConflictStrategy strategy : ConflictStrategy.values()) {
                conflicts(tenant, strategy.name());
            }
            for (String origin : origins) {
                counter(APPLIED, tenant, origin);
                counter(LEFTOVERS, tenant, origin);
                DEAD_LETTER_REASONS.forEach(reason -> errors(tenant, origin, reason));
            }
        });
        for (String tenant : dropped) {
            for (String name : PER_TENANT) {
                for (Meter m : registry.find(name).tag("region", region).tag("tenant", tenant).meters()) {
                    registry.remove(m);
                }
            }
        }
    }

    private Counter conflicts(String tenant, String strategy) {
        return Counter.builder(CONFLICTS).tag("region", region).tag("tenant", tenant).tag("strategy", strategy)
                .register(registry);
    }

    private Counter errors(String tenant, String origin, String reason) {
        return Counter.builder(ERRORS)
                .tag("region", region).tag("tenant", tenant).tag("origin_region", origin).tag("reason", reason)
                .register(registry);
    }

    private Counter counter(String name, String tenant, String origin) {
        return counters.computeIfAbsent(new Series(name, tenant, origin), s -> Counter.builder(name).tag("region", region)
                .tag("tenant", tenant).tag("origin_region", origin).register(registry));
    }
}
