package dev.maia.apply.usage;

import dev.maia.schemas.topology.KafkaSecurity;
import dev.maia.control.BackgroundTask;
import dev.maia.apply.store.ReplicaStore;
import dev.maia.schemas.avro.Placement;
import dev.maia.schemas.avro.TenantUsage;
import dev.maia.schemas.placement.Placements;
import dev.maia.schemas.wal.WalTopics;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * What this region holds of each tenant it holds by placement (and of each deleted tenant it held):
 * live memories and namespaces and stored bytes from the store, the tenant's WAL topics in the region's
 * cluster, and the entries applied since the process started; handed to {@code sink} every interval
 * (which publishes it to {@code maia.usage}). A deleted tenant's report of zeros is how its delete is verified.
 */
public final class UsageReporter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(UsageReporter.class);

    private final String region;
    private final Admin admin;
    private final ReplicaStore store;
    private final Supplier<Map<String, Placement>> placements;
    private final Predicate<String> deleted;
    private final Consumer<TenantUsage> sink;
    private final Map<String, LongAdder> applied = new ConcurrentHashMap<>();
    private final BackgroundTask schedule;

    public UsageReporter(String region, String bootstrapServers, KafkaSecurity security, ReplicaStore store,
                         Supplier<Map<String, Placement>> placements, Predicate<String> deleted,
                         Consumer<TenantUsage> sink, long intervalMs) {
        this.region = region;
        this.admin = Admin.create(security.clientConfig(bootstrapServers));
        this.store = store;
        this.placements = placements;
        this.deleted = deleted;
        this.sink = sink;
        this.schedule = BackgroundTask.every("usage-" + region, intervalMs, intervalMs, this::report);
    }

    /** Counts one applied entry of a tenant. */
    public void applied(String tenant) {
        applied.computeIfAbsent(tenant, t -> new LongAdder()).increment();
    }

    void report() {
        try {
            Map<String, Integer> topics = walTopicsPerTenant(admin.listTopics().names().get(10, TimeUnit.SECONDS), region);
            Map<String, Long> bytes = store.entryBytesPerTenant();
            Instant now = Instant.now();
            for (Placement p : placements.get().values()) {
                String tenant = p.getTenantId();
                if (Placements.holders(p).contains(region) || deleted.test(tenant)) {
                    sink.accept(count(tenant, topics.getOrDefault(tenant, 0), bytes.getOrDefault(tenant, 0L), now));
                }
            }
        } catch (Exception e) {
            log.warn("Usage report of {} failed; retrying", region, e);
        }
    }

    /**
     * Tenant to the number of its WAL topics (its log and the mirrored copies) in the region's cluster, in
     * one pass over the cluster's topics: a pass per tenant made each report O(tenants x topics).
     */
    static Map<String, Integer> walTopicsPerTenant(Set<String> topics, String region) {
        Map<String, Integer> perTenant = new HashMap<>();
        for (String t : topics) {
            WalTopics.parse(t, region).ifPresent(w -> perTenant.merge(w.tenantId(), 1, Integer::sum));
        }
        return perTenant;
    }

    /**
     * Counts and bytes come from the store's listing index and byte totals (kept as it changes: no pass
     * over the store, issue 14); topics from one pass over the cluster's topics per report ({@link #report}),
     * not one per tenant: at a thousand tenants the passes per tenant took more CPU than the regions' apply
     * (docs/benchmarks.md).
     */
    TenantUsage count(String tenant, int tenantTopics, long bytes, Instant now) {
        long memories = store.memoryCounts(tenant).values().stream().mapToLong(Integer::longValue).sum();
        long namespaces = store.namespaceIds(tenant).size();
        LongAdder writes = applied.get(tenant);
        return TenantUsage.newBuilder().setRegion(region).setTenantId(tenant).setMemories(memories)
                .setNamespaces(namespaces).setBytes(bytes).setWrites(writes == null ? 0 : writes.sum())
                .setTopics(tenantTopics).setReportedAt(now).build();
    }

    @Override
    public void close() {
        schedule.close();
        admin.close();
    }
}
