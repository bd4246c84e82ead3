package dev.maia.apply.lag;

import dev.maia.apply.position.PositionTracker;
import dev.maia.schemas.position.PositionKey;
import dev.maia.schemas.avro.Placement;
import io.micrometer.core.instrument.MeterRegistry;
import dev.maia.apply.SettableGauges;
import io.micrometer.core.instrument.Tags;
import dev.maia.apply.BackgroundTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Keeps this region's lag gauges current: {@code maia_replication_lag_seconds},
 * {@code maia_replication_lag_records} (and per stage, MirrorMaker or apply), and
 * {@code maia_replication_position}, labelled by tenant, origin region and region.
 */
public final class LagMonitor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LagMonitor.class);

    private final String region;
    private final LagProbe probe;
    private final Supplier<Map<String, Placement>> placements;
    private final PositionTracker positions;
    private final SettableGauges gauges;
    private final BackgroundTask schedule;
    private volatile List<TenantLag> latest = List.of();

    public LagMonitor(String region, LagProbe probe, Supplier<Map<String, Placement>> placements, PositionTracker positions,
                      MeterRegistry registry, long intervalMs) {
        this.region = region;
        this.probe = probe;
        this.placements = placements;
        this.positions = positions;
        this.gauges = new SettableGauges(registry);
        this.schedule = BackgroundTask.every("lag-" + region, 0, intervalMs, this::refresh);
    }

    void refresh() {
        try {
            latest = probe.probe(region, placements.get(), positions::appliedOffset);
            for (TenantLag t : latest) {
                if (t.error() != null) {
                    continue;
                }
                Tags tags = Tags.of("region", region, "tenant", t.tenant(), "origin_region", t.origin());
                gauges.set("maia.replication.lag.seconds", tags, t.lag().secondsBehind());
                gauges.set("maia.replication.lag.records", tags, t.lag().recordsBehind());
                gauges.set("maia.replication.stage.lag.records", tags.and("stage", "mirror"), t.lag().mirrorRecords());
                gauges.set("maia.replication.stage.lag.records", tags.and("stage", "apply"), t.lag().applyRecords());
            }
            for (Map.Entry<PositionKey, PositionTracker.Applied> e : positions.snapshot().entrySet()) {
                PositionKey k = e.getKey();
                gauges.set("maia.replication.position", Tags.of("region", region, "tenant", k.tenant(), "origin_region", k.origin(),
                        "partition", Integer.toString(k.partition())), e.getValue().offset());
            }
        } catch (RuntimeException e) {
            log.warn("Lag refresh of {} failed", region, e);
        }
    }

    /** The last probe's rows. */
    public List<TenantLag> latest() {
        return latest;
    }

    @Override
    public void close() {
        schedule.close();
        probe.close();
    }
}
