package dev.maia.apply.lag;

import dev.maia.control.BackgroundTask;
import dev.maia.apply.SettableGauges;
import dev.maia.schemas.avro.Placement;
import dev.maia.schemas.placement.Placements;
import dev.maia.schemas.position.PositionKey;
import dev.maia.schemas.topology.RegionSpec;
import dev.maia.schemas.topology.Topology;
import dev.maia.schemas.wal.WalTopics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Keeps this region's lag gauges current, for every tenant it holds and every origin region of the
 * tenant's logs (its primary, and any region whose log of it exists or whose entries were applied here),
 * from the moment it holds it: {@code maia_replication_lag_seconds}, {@code maia_replication_lag_records}
 * (and per stage, MirrorMaker or apply), {@code maia_replication_position{partition}} (-1 until an entry
 * is applied), and per origin region {@code maia_replication_origin_reachable}. A tenant held no more
 * loses its series.
 *
 * <p>While an origin cannot be reached the probe cannot say how far behind this region is, and that is
 * exactly when the lag alert must fire: the seconds then keep growing from the last moment this region
 * knew it held everything the origin had (the probe found it caught up), or from the oldest entry it knew
 * it lacked; a pair never measured grows from the monitor's start. The records keep their last value.
 */
public final class LagMonitor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LagMonitor.class);

    /** Told after every round which tenants this region holds, with their origins, and which it held no more. */
    @FunctionalInterface
    public interface HeldTenants {
        HeldTenants NONE = (held, dropped) -> { };

        void held(Map<String, Set<String>> originsByTenant, Set<String> dropped);
    }

    private record Pair(String tenant, String origin) {
    }

    private final String region;
    private final Topology topology;
    private final LagProbe probe;
    private final Supplier<Map<String, Placement>> placements;
    private final Supplier<Map<PositionKey, Long>> applied;
    private final HeldTenants heldTenants;
    private final LongSupplier clock;
    private final long startedAtMs;
    private final SettableGauges gauges;
    /** Per pair measured at least once: since when its lag runs (now when caught up, else its oldest unapplied write). */
    private final Map<Pair, Long> lagSince = new HashMap<>();
    private Set<String> heldBefore = Set.of();
    private final BackgroundTask schedule;
    private volatile List<TenantLag> latest = List.of();

    /**
     * @param applied     every applied position (origin, tenant, partition) to its origin offset
     * @param lagMaxSeconds the lag the alert compares with ({@code maia_replication_lag_max_seconds})
     */
    public LagMonitor(String region, Topology topology, LagProbe probe, Supplier<Map<String, Placement>> placements,
                      Supplier<Map<PositionKey, Long>> applied, HeldTenants heldTenants, MeterRegistry registry,
                      long intervalMs, double lagMaxSeconds) {
        this(region, topology, probe, placements, applied, heldTenants, registry, intervalMs, lagMaxSeconds,
                System::currentTimeMillis);
    }

    LagMonitor(String region, Topology topology, LagProbe probe, Supplier<Map<String, Placement>> placements,
               Supplier<Map<PositionKey, Long>> applied, HeldTenants heldTenants, MeterRegistry registry,
               long intervalMs, double lagMaxSeconds, LongSupplier clock) {
        this.region = region;
        this.topology = topology;
        this.probe = probe;
        this.placements = placements;
        this.applied = applied;
        this.heldTenants = heldTenants;
        this.clock = clock;
        this.startedAtMs = clock.getAsLong();
        this.gauges = new SettableGauges(registry);
        gauges.set("maia.replication.lag.max.seconds", Tags.of("region", region), lagMaxSeconds);
        this.schedule = intervalMs <= 0 ? null : BackgroundTask.every("lag-" + region, 0, intervalMs, this::refresh);
    }

    /** One round: probe, then set every held pair's gauges. */
    public synchronized void refresh() {
        try {
            Map<String, Placement> all = placements.get();
            Map<PositionKey, Long> positions = applied.get();
            List<TenantLag> rows = probe.probe(region, all,
                    (origin, tenant, partition) -> positions.getOrDefault(new PositionKey(origin, tenant, partition), -1L));
            latest = rows;
            long now = clock.getAsLong();
            Map<String, Boolean> reachable = probe.reachable();
            for (RegionSpec r : topology.regions()) {
                gauges.set("maia.replication.origin.reachable", Tags.of("region", region, "origin_region", r.name()),
                        reachable.getOrDefault(r.name(), false) ? 1 : 0);
            }
            Map<String, Set<String>> held = heldOrigins(all, rows, positions);
            Map<Pair, TenantLag> byPair = new HashMap<>();
            rows.forEach(t -> byPair.put(new Pair(t.tenant(), t.origin()), t));
            held.forEach((tenant, origins) -> origins.forEach(origin ->
                    update(new Pair(tenant, origin), byPair.get(new Pair(tenant, origin)), reachable, positions, now)));
            Set<String> dropped = new TreeSet<>(heldBefore);
            dropped.removeAll(held.keySet());
            for (String tenant : dropped) {
                gauges.removeIf(tags -> region.equals(SettableGauges.tag(tags, "region")) && tenant.equals(SettableGauges.tag(tags, "tenant")));
                lagSince.keySet().removeIf(p -> p.tenant().equals(tenant));
            }
            heldBefore = Set.copyOf(held.keySet());
            heldTenants.held(held, dropped);
        } catch (RuntimeException e) {
            log.warn("Lag refresh of {} failed", region, e);
        }
        try {
            gauges.set("maia.dlq.records", Tags.of("region", region), probe.endOffsetSum(region, WalTopics.DLQ));
        } catch (Exception e) {
            log.debug("Cannot count {} of {}: {}", WalTopics.DLQ, region, e.toString());
        }
    }

    private void update(Pair pair, TenantLag row, Map<String, Boolean> reachable, Map<PositionKey, Long> positions, long now) {
        Tags tags = Tags.of("region", region, "tenant", pair.tenant(), "origin_region", pair.origin());
        if (row != null && row.error() == null) {
            ReplicationLag.Summary lag = row.lag();
            lagSince.put(pair, lag.recordsBehind() == 0 ? now : now - (long) (lag.secondsBehind() * 1000));
            gauges.set("maia.replication.lag.seconds", tags, lag.secondsBehind());
            gauges.set("maia.replication.lag.records", tags, lag.recordsBehind());
            gauges.set("maia.replication.stage.lag.records", tags.and("stage", "mirror"), lag.mirrorRecords());
            gauges.set("maia.replication.stage.lag.records", tags.and("stage", "apply"), lag.applyRecords());
        } else if (row != null || !reachable.getOrDefault(pair.origin(), false)) {
            // Not measurable now: the lag runs on from what was last known (records: the last count).
            long since = lagSince.getOrDefault(pair, startedAtMs);
            gauges.set("maia.replication.lag.seconds", tags, Math.max(0, now - since) / 1000.0);
            if (!lagSince.containsKey(pair)) {
                gauges.set("maia.replication.lag.records", tags, 0);
            }
        } else {
            // The origin answers and has no log of the tenant: nothing was written there, nothing to lag behind.
            lagSince.put(pair, now);
            gauges.set("maia.replication.lag.seconds", tags, 0);
            gauges.set("maia.replication.lag.records", tags, 0);
        }
        for (int p = 0; p < topology.walPartitions(); p++) {
            gauges.set("maia.replication.position", tags.and("partition", Integer.toString(p)),
                    positions.getOrDefault(new PositionKey(pair.origin(), pair.tenant(), p), -1L));
        }
    }

    /** The tenants this region holds by placement, each with its primary and every origin known to have a log of it. */
    private Map<String, Set<String>> heldOrigins(Map<String, Placement> all, List<TenantLag> rows, Map<PositionKey, Long> positions) {
        Map<String, Set<String>> held = new TreeMap<>();
        for (Placement p : all.values()) {
            if (Placements.holders(p).contains(region)) {
                held.computeIfAbsent(p.getTenantId(), t -> new TreeSet<>()).add(p.getPrimaryRegion());
            }
        }
        for (TenantLag row : rows) {
            Set<String> origins = held.get(row.tenant());
            // An error row names every region for an unreachable origin: only a pair known otherwise counts.
            if (origins != null && (row.error() == null || lagSince.containsKey(new Pair(row.tenant(), row.origin())))) {
                origins.add(row.origin());
            }
        }
        positions.keySet().forEach(k -> {
            Set<String> origins = held.get(k.tenant());
            if (origins != null) {
                origins.add(k.origin());
            }
        });
        return held;
    }

    /** The last probe's rows. */
    public List<TenantLag> latest() {
        return latest;
    }

    @Override
    public void close() {
        if (schedule != null) {
            schedule.close();
        }
        probe.close();
    }
}
