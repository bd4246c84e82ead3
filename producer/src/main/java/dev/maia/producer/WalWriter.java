package dev.maia.producer;

import dev.maia.schemas.avro.Placement;
import dev.maia.schemas.avro.WALEntry;
import dev.maia.schemas.http.ApiException;
import dev.maia.schemas.http.HttpRequest;
import dev.maia.schemas.wal.HybridLogicalClock;
import dev.maia.schemas.wal.PositionToken;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The last steps of every write: make sure this region is the tenant's primary (or redirect), stamp the
 * clock and the placement epoch, append, and answer the position. Nothing is appended in a region that
 * is not the tenant's primary.
 */
final class WalWriter {
    static final String PRIMARY_HEADER = "X-MAIA-Primary-Region";
    static final String REASON_HEADER = "X-MAIA-Redirect-Reason";

    private final String region;
    private final PlacementService placements;
    private final WalTopicProvisioner topics;
    private final WalAppender appender;
    private final HybridLogicalClock clock;

    private final io.micrometer.core.instrument.MeterRegistry registry;
    private final ReplicationWait replication;

    WalWriter(String region, PlacementService placements, WalTopicProvisioner topics, WalAppender appender, HybridLogicalClock clock,
              io.micrometer.core.instrument.MeterRegistry registry, ReplicationWait replication) {
        this.region = region;
        this.registry = registry;
        this.replication = replication;
        this.placements = placements;
        this.topics = topics;
        this.appender = appender;
        this.clock = clock;
    }

    /**
     * The placement under which this region may write for the tenant; a 307 to the primary otherwise.
     * Only a create gives a tenant its default placement: an update or delete of a tenant without one
     * cannot find its resource.
     */
    Placement requirePrimary(String tenant, HttpRequest request, boolean isCreate) throws InterruptedException {
        Placement p = isCreate ? placements.forWrite(tenant) : placements.get(tenant)
                .orElseThrow(() -> ApiException.notFound("tenant " + tenant + " has no data"));
        if (!p.getPrimaryRegion().equals(region)) {
            String endpoint = placements.endpoint(p.getPrimaryRegion()).orElse(null);
            Map<String, String> headers = new java.util.HashMap<>();
            headers.put(PRIMARY_HEADER, p.getPrimaryRegion());
            headers.put(REASON_HEADER, "not-primary");
            if (endpoint != null) {
                headers.put("Location", endpoint + request.path());
            }
            throw new ApiException(307, "NOT_PRIMARY", "region " + region + " is not the primary of tenant " + tenant
                    + "; write to " + p.getPrimaryRegion(), Map.of("primary_region", p.getPrimaryRegion()), headers);
        }
        return p;
    }

    /** The last offset this region appended, per tenant and partition: what a later read must see. */
    private final java.util.Map<String, java.util.Map<Integer, Long>> ownWrites = new java.util.concurrent.ConcurrentHashMap<>();
    private static final long OWN_WRITES_WAIT_MS = 10_000;

    /**
     * Waits until this region's store has applied every write it accepted for the tenant, so the current
     * state a change is built on (or a 404 / 409) includes them: a PUT right after a POST sees the POST.
     */
    void awaitOwnWrites(String tenant, dev.maia.schemas.read.CurrentState state) throws InterruptedException {
        for (var e : ownWrites.getOrDefault(tenant, java.util.Map.of()).entrySet()) {
            if (!state.awaitApplied(region, tenant, e.getKey(), e.getValue(), OWN_WRITES_WAIT_MS)) {
                throw new ApiException(503, "APPLY_BEHIND", "this region has not yet applied its own earlier writes of tenant "
                        + tenant + " (partition " + e.getKey() + ", offset " + e.getValue() + "); retry", null);
            }
        }
    }

    private void remember(PositionToken p) {
        ownWrites.computeIfAbsent(p.tenant(), t -> new java.util.concurrent.ConcurrentHashMap<>()).merge(p.partition(), p.offset(), Math::max);
    }

    /** A clock reading that orders after the state the change was built from. */
    long stamp(WALEntry basedOn) {
        if (basedOn != null) {
            clock.observe(basedOn.getHlc());
        }
        return clock.now();
    }

    /** Appends one entry and, for semi-sync and sync tenants, waits for its replicas. */
    Written append(WALEntry entry, Placement placement) throws InterruptedException {
        topics.ensure(entry.getTenantId());
        PositionToken position;
        try {
            position = appender.append(entry).get(60, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw unavailable(e instanceof ExecutionException ? e.getCause() : e);
        }
        appended(entry.getTenantId(), 1);
        remember(position);
        return new Written(List.of(position), replication.await(placement, List.of(position)));
    }

    /** Appends a batch in one transaction and, for semi-sync and sync tenants, waits for its replicas. */
    Written appendAll(List<WALEntry> entries, Placement placement) throws InterruptedException {
        topics.ensure(entries.get(0).getTenantId());
        List<PositionToken> positions;
        try {
            positions = appender.appendAll(entries);
        } catch (ExecutionException | RuntimeException e) {
            throw unavailable(e instanceof ExecutionException ? e.getCause() : e);
        }
        appended(entries.get(0).getTenantId(), entries.size());
        positions.forEach(this::remember);
        return new Written(positions, replication.await(placement, positions));
    }

    /** Where an accepted write sits, and which replica regions had it when it was answered. */
    record Written(List<PositionToken> positions, ReplicationWait.Outcome replication) {
        PositionToken position() {
            return positions.get(0);
        }
    }

    private void appended(String tenant, int count) {
        io.micrometer.core.instrument.Counter.builder("maia.wal.appends").tag("region", region).tag("tenant", tenant)
                .description("WAL entries appended in this region (acknowledged by Kafka)").register(registry).increment(count);
    }

    private static ApiException unavailable(Throwable cause) {
        return new ApiException(503, "WAL_UNAVAILABLE", "the write was not acknowledged by Kafka: " + cause.getMessage(), null);
    }
}
