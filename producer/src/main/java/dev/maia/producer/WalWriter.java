package dev.maia.producer;

import dev.maia.schemas.avro.Operation;
import dev.maia.schemas.avro.Placement;
import dev.maia.schemas.avro.WALEntry;
import dev.maia.schemas.http.ApiException;
import dev.maia.schemas.placement.Placements;
import dev.maia.schemas.wal.PositionToken;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The ends of every write: make sure this region is the tenant's primary (or redirect) before anything
 * is appended, then append, remember the entries as this region's own writes, and wait for the replicas
 * the tenant's sync mode asks for.
 */
final class WalWriter {
    static final String PRIMARY_HEADER = "X-MAIA-Primary-Region";
    static final String REASON_HEADER = "X-MAIA-Redirect-Reason";
    private static final long ACK_TIMEOUT_S = 60;

    private final String region;
    private final PlacementSource placements;
    private final WalLog wal;
    private final OwnWrites ownWrites;
    private final MeterRegistry registry;
    private final ReplicationWait replication;
    private final TenantGates gates = new TenantGates();

    WalWriter(String region, PlacementSource placements, WalLog wal, OwnWrites ownWrites, MeterRegistry registry,
              ReplicationWait replication) {
        this.region = region;
        this.placements = placements;
        this.wal = wal;
        this.ownWrites = ownWrites;
        this.registry = registry;
        this.replication = replication;
    }

    /** Holds the tenant's gate for one write, from its placement check until its append is done. */
    TenantGates.Held enter(String tenant) throws InterruptedException {
        return gates.enter(tenant);
    }

    /** Returns once no write of the tenant that checked an earlier placement is still on its way to the log. */
    void drain(String tenant) throws InterruptedException {
        gates.drain(tenant);
    }

    /**
     * The placement under which this region may write for the tenant; a 307 to the primary otherwise
     * ({@code path} is where the client sent the write). Only a create gives a tenant its default
     * placement: an update or delete of a tenant without one cannot find its resource.
     */
    Placement requirePrimary(String tenant, String path, boolean isCreate) throws InterruptedException {
        Placement p = isCreate ? placements.forWrite(tenant) : placements.get(tenant)
                .orElseThrow(() -> ApiException.notFound("tenant " + tenant + " has no data"));
        if (p.getMigration() != null) {
            // Neither the old primary (draining) nor the new one (applying what the old one wrote) takes
            // writes until the switch; a client retries and then follows the 307 to the new primary.
            throw new ApiException(503, "MIGRATING", "tenant " + tenant + " is moving from " + p.getPrimaryRegion()
                    + " to " + p.getMigration().getToRegion() + "; retry shortly",
                    Map.of("retryable", true, "to_region", p.getMigration().getToRegion()), Map.of("Retry-After", "1"));
        }
        if (!p.getPrimaryRegion().equals(region)) {
            Map<String, String> headers = new HashMap<>();
            headers.put(PRIMARY_HEADER, p.getPrimaryRegion());
            headers.put(REASON_HEADER, "not-primary");
            placements.endpoint(p.getPrimaryRegion()).ifPresent(endpoint -> headers.put("Location", endpoint + path));
            throw new ApiException(307, "NOT_PRIMARY", "region " + region + " is not the primary of tenant " + tenant
                    + "; write to " + p.getPrimaryRegion(), Map.of("primary_region", p.getPrimaryRegion()), headers);
        }
        if (Placements.canFailOver(p) && !placements.holdsLease()) {
            throw noLease(tenant, "nothing was written");
        }
        return p;
    }

    /**
     * 503 {@code NO_LEASE}: this region is the tenant's primary by its last read of the control log but cannot
     * show that it still leads: its lease lapsed (cut off from the control cluster's majority, or paused), so
     * another region may be taking the tenant over. A tenant that cannot fail over (single) never needs it.
     */
    private ApiException noLease(String tenant, String what) {
        return new ApiException(503, "NO_LEASE", "region " + region + " does not hold its lease, so it cannot accept writes of "
                + tenant + " (another region may be taking it over); " + what,
                Map.of("retryable", true), Map.of("Retry-After", "2"));
    }

    /**
     * Appends the entries (several as one unit: every one is in the log afterwards, or none is) and,
     * once Kafka acknowledged them, makes them this region's own writes ({@link OwnWrites}), which every
     * later write of their resources builds on. Refused (nothing appended) while too many of the region's
     * own writes wait for its apply path. The caller holds the entries' resources ({@link ResourceLocks}).
     */
    List<PositionToken> append(List<WALEntry> entries) throws InterruptedException {
        ownWrites.requireRoom(entries.size());
        String tenant = entries.get(0).getTenantId();
        requireQuota(tenant, entries);
        wal.ensureLog(tenant);
        List<PositionToken> positions;
        try {
            positions = entries.size() == 1
                    ? List.of(wal.append(entries.get(0)).get(ACK_TIMEOUT_S, TimeUnit.SECONDS))
                    : wal.appendAll(entries);
        } catch (ApiException e) {
            throw e; // refused before it reached Kafka (an encrypted WAL without a key for the tenant)
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            throw unavailable(e instanceof ExecutionException ? e.getCause() : e);
        }
        Counter.builder("maia.wal.appends").tag("region", region).tag("tenant", tenant)
                .description("WAL entries appended in this region (acknowledged by Kafka)").register(registry)
                .increment(positions.size());
        for (int i = 0; i < entries.size(); i++) {
            ownWrites.remember(entries.get(i), positions.get(i));
        }
        return positions;
    }

    /**
     * 507 for a write that would grow a tenant already at its store quota in this region (the primary: what
     * it has applied is what every holder will store). Deletes pass: they are how a tenant gets under it.
     */
    private void requireQuota(String tenant, List<WALEntry> entries) {
        if (entries.stream().allMatch(e -> e.getOperation() == Operation.DELETE)) {
            return;
        }
        ownWrites.quotaReached(tenant).ifPresent(q -> {
            throw new ApiException(507, "QUOTA_EXCEEDED", "tenant " + tenant + " stores " + q.storedBytes()
                    + " bytes in region " + region + ", at or over its quota of " + q.quotaBytes()
                    + "; delete memories or ask for a larger quota",
                    Map.of("stored_bytes", q.storedBytes(), "quota_bytes", q.quotaBytes()));
        });
    }

    /** Where an accepted write sits, and which replica regions had it when it was answered. */
    record Written(List<PositionToken> positions, ReplicationWait.Outcome replication) {
        PositionToken position() {
            return positions.get(0);
        }
    }

    /** For semi-sync and sync tenants, waits until the replicas the sync mode asks for applied the appended entries. */
    Written replicated(List<PositionToken> positions, Placement placement) throws InterruptedException {
        Written written = new Written(positions, replication.await(placement, positions));
        // Answered only while the region still leads: a write that reached the log after the lease lapsed (a
        // paused process resumed) or after another region took the tenant over is the old primary's leftover,
        // resolved later; it is never acknowledged. A migration begun meanwhile drains it, so it stays answered.
        if (Placements.canFailOver(placement)) {
            String notAcknowledged = "the write reached the log at " + positions.get(0) + " but is not acknowledged: read before retrying";
            if (!placements.holdsLease()) {
                throw noLease(placement.getTenantId(), notAcknowledged);
            }
            Optional<Placement> now = placements.get(placement.getTenantId());
            if (now.isEmpty() || Placements.failedOverSince(now.get(), placement.getEpoch())) {
                throw new ApiException(503, "NO_LEASE", "tenant " + placement.getTenantId() + " failed over to "
                        + now.map(Placement::getPrimaryRegion).orElse("another region") + " while the write was on its way; "
                        + notAcknowledged, Map.of("retryable", true), Map.of("Retry-After", "2"));
            }
        }
        return written;
    }

    private static ApiException unavailable(Throwable cause) {
        return new ApiException(503, "WAL_UNAVAILABLE", "the write was not acknowledged by Kafka: " + cause.getMessage(), null);
    }
}
