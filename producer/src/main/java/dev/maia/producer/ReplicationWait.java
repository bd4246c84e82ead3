package dev.maia.producer;

import dev.maia.schemas.avro.Placement;
import dev.maia.schemas.avro.SyncMode;
import dev.maia.schemas.http.ApiException;
import dev.maia.schemas.placement.Placements;
import dev.maia.schemas.wal.PositionToken;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The sync modes: {@code async} answers after the local append; {@code semi-sync} waits until
 * {@code min_sync_replicas} of the tenant's replica regions have applied the write (their published
 * positions at or past its offsets); {@code sync} waits for all of them. A wait past
 * {@code sync_timeout_ms} answers 504 {@code REPLICATION_TIMEOUT} or, when so configured, degrades to
 * async; both are counted. The write itself is never undone: the answer says which regions had it.
 *
 * <p>Every wait is timed ({@code maia_sync_wait_seconds}, a histogram), and the timer and the timeout
 * counter ({@code maia_sync_timeouts_total}) of each tenant this region waits for exist at 0 from the moment
 * its placement asks for waiting ({@link #declare}), so that an alert sees the first timeout.
 */
final class ReplicationWait {

    /** What a write's answer says about its replication; null fields for async. */
    record Outcome(String mode, Set<String> replicatedTo, boolean degraded) {
        Map<String, Object> toJson() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("mode", mode);
            out.put("replicated_to", replicatedTo);
            out.put("degraded", degraded);
            return out;
        }
    }

    private final String region;
    private final AppliedPositions positions;
    private final SyncMode deploymentMode;
    private final long timeoutMs;
    private final boolean degrade;
    private final MeterRegistry registry;

    ReplicationWait(String region, AppliedPositions positions, WriteConfig config, MeterRegistry registry) {
        this.region = region;
        this.positions = positions;
        this.deploymentMode = config.syncMode();
        this.timeoutMs = config.syncTimeoutMs();
        this.degrade = config.degradeOnSyncTimeout();
        this.registry = registry;
    }

    /** Waits as the tenant's mode asks; null for async (and for a tenant without replicas under a deployment-wide mode). */
    Outcome await(Placement placement, List<PositionToken> written) throws InterruptedException {
        SyncMode mode = placement.getSyncMode() != null ? placement.getSyncMode() : deploymentMode;
        List<String> replicas = Placements.holders(placement).stream().filter(r -> !r.equals(region)).toList();
        if (mode == SyncMode.async || replicas.isEmpty()) {
            return null;
        }
        int needed = mode == SyncMode.sync ? replicas.size() : Math.min(placement.getMinSyncReplicas(), replicas.size());
        String name = Placements.syncModeName(mode);
        long started = System.nanoTime();
        Set<String> have = positions.await(new LinkedHashSet<>(replicas), needed, region, placement.getTenantId(), written, timeoutMs);
        waits(placement.getTenantId(), name).record(Duration.ofNanos(System.nanoTime() - started));
        if (have.size() >= needed) {
            return new Outcome(name, have, false);
        }
        if (degrade) {
            counter("maia.sync.degraded", placement.getTenantId(), name).increment();
            return new Outcome(name, have, true);
        }
        counter("maia.sync.timeouts", placement.getTenantId(), name).increment();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("position", written.get(0));
        details.put("replicated_to", have);
        details.put("needed", needed);
        throw new ApiException(504, "REPLICATION_TIMEOUT", "the write is in " + region + "'s log, but only " + have.size()
                + " of the " + needed + " replica region(s) " + name + " needs applied it within " + timeoutMs + " ms", details);
    }

    /**
     * Registers, at 0, the wait timer and the timeout counter of every tenant in {@code placements} whose
     * writes this region waits for: its primary here, a sync mode other than async, and replicas.
     */
    void declare(Collection<Placement> placements) {
        for (Placement p : placements) {
            SyncMode mode = p.getSyncMode() != null ? p.getSyncMode() : deploymentMode;
            if (mode != SyncMode.async && region.equals(p.getPrimaryRegion())
                    && Placements.holders(p).stream().anyMatch(r -> !r.equals(region))) {
                String name = Placements.syncModeName(mode);
                waits(p.getTenantId(), name);
                counter("maia.sync.timeouts", p.getTenantId(), name);
            }
        }
    }

    private Timer waits(String tenant, String mode) {
        // Buckets from 1 ms to twice the timeout: a wait never lasts longer than the timeout.
        return Timer.builder("maia.sync.wait").tag("region", region).tag("tenant", tenant).tag("mode", mode)
                .description("how long a sync or semi-sync write waited for its replicas")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMillis(Math.max(2 * timeoutMs, 10))).register(registry);
    }

    private Counter counter(String name, String tenant, String mode) {
        return Counter.builder(name).tag("region", region).tag("tenant", tenant).tag("mode", mode).register(registry);
    }
}
