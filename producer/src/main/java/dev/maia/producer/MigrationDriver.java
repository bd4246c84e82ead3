package dev.maia.producer;

import dev.maia.control.position.PositionsView;
import dev.maia.schemas.avro.DrainedOffset;
import dev.maia.schemas.avro.Migration;
import dev.maia.schemas.avro.Placement;
import dev.maia.schemas.placement.Placements;
import dev.maia.schemas.position.PositionKey;
import dev.maia.schemas.wal.WalTopics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import dev.maia.schemas.http.ApiException;
import java.util.Comparator;

/**
 * This region's part in planned migrations (drain, then switch), driven by the control log alone, so
 * that the command that started a migration may go away:
 * <ol>
 *   <li>An operator's change appends the placement with a {@link Migration} (epoch + 1). From the moment a
 *       region reads it, no region accepts the tenant's writes (503 {@code MIGRATING}).</li>
 *   <li>The old primary waits until no write that checked the earlier placement is still on its way to
 *       its log ({@link WalWriter#drain}), then appends the last entry of every log of the tenant it
 *       holds (its own, read from Kafka; the others, as far as it has applied them) as {@code drained}.</li>
 *   <li>The new primary waits until it has applied every one of those entries, by its published positions,
 *       and appends the switched placement. Only then does it take writes, so none is built on stale state.</li>
 * </ol>
 * Each step is a conditional append: a step that comes second (the migration was aborted, or another
 * region took the step) is ignored by every reader.
 */
final class MigrationDriver implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MigrationDriver.class);
    private static final Duration TICK = Duration.ofMillis(100);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

    private final String region;
    private final PlacementService placements;
    private final WalWriter writer;
    private final PositionsView positions;
    private final LastEntries lastEntries;
    private final Thread thread;
    private volatile boolean running = true;

    MigrationDriver(String region, PlacementService placements, WalWriter writer, PositionsView positions, LastEntries lastEntries) {
        this.region = region;
        this.placements = placements;
        this.writer = writer;
        this.positions = positions;
        this.lastEntries = lastEntries;
        this.thread = new Thread(this::run, "maia-migrations-" + region);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private void run() {
        while (running) {
            for (Placement p : placements.migrating()) {
                try {
                    step(p);
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    log.warn("migration of {}: step failed, retried: {}", p.getTenantId(), e.toString());
                }
            }
            try {
                Thread.sleep(TICK.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void step(Placement p) throws InterruptedException {
        Migration m = p.getMigration();
        String tenant = p.getTenantId();
        if (p.getPrimaryRegion().equals(region) && m.getDrained() == null) {
            writer.drain(tenant);
            List<DrainedOffset> drained = drainedOffsets(tenant);
            placements.advance(Placements.successor(p, region)
                    .setMigration(Migration.newBuilder(m).setDrained(drained).build()).build())
                    .ifPresent(d -> log.info("migration of {} to {}: drained here at {} ({} ms after it started)", tenant,
                            m.getToRegion(), drained, Duration.between(m.getStartedAt(), Instant.now()).toMillis()));
        } else if (m.getToRegion().equals(region) && m.getDrained() != null && waitingFor(tenant, m).isEmpty()) {
            placements.advance(Placements.switched(p, region)).ifPresent(s -> log.info(
                    "migration of {} from {}: switched, {} is primary at epoch {} ({} ms after it started)", tenant,
                    p.getPrimaryRegion(), region, s.getEpoch(), Duration.between(m.getStartedAt(), Instant.now()).toMillis()));
        }
    }

    /** The last entry of this region's own log of the tenant, and of every other log as far as applied here. */
    private List<DrainedOffset> drainedOffsets(String tenant) {
        List<DrainedOffset> out = new ArrayList<>();
        lastEntries.of(WalTopics.wal(tenant), READ_TIMEOUT).forEach((partition, offset) ->
                out.add(new DrainedOffset(region, partition, offset)));
        for (Map.Entry<PositionKey, Long> e : positions.appliedBy(region, tenant).entrySet()) {
            if (!e.getKey().origin().equals(region)) {
                out.add(new DrainedOffset(e.getKey().origin(), e.getKey().partition(), e.getValue()));
            }
        }
        out.sort(Comparator.comparing(DrainedOffset::getOriginRegion).thenComparing(DrainedOffset::getPartition));
        return out;
    }

    /** The drained entries the new primary has not applied yet (by its published positions). */
    private List<Map<String, Object>> waitingFor(String tenant, Migration m) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (DrainedOffset d : m.getDrained()) {
            long applied = positions.applied(m.getToRegion(), d.getOriginRegion(), tenant, d.getPartition());
            // A last entry the new primary dead-lettered will never be applied: waiting for it would never end.
            if (applied < d.getOffset() && !positions.deadLettered(m.getToRegion(), d.getOriginRegion(), tenant,
                    d.getPartition(), d.getOffset())) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("origin_region", d.getOriginRegion());
                row.put("partition", d.getPartition());
                row.put("needed", d.getOffset());
                row.put("applied", applied);
                out.add(row);
            }
        }
        return out;
    }

    /** Where a tenant's migration stands, as this region sees it (for the admin API and {@code maia migrate}). */
    Map<String, Object> progress(String tenant) {
        Placement p = placements.get(tenant).orElseThrow(() -> ApiException.notFound(
                "tenant " + tenant + " has no placement"));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("tenant_id", tenant);
        out.put("epoch", p.getEpoch());
        Migration m = p.getMigration();
        if (m == null) {
            out.put("phase", "none");
            out.put("primary_region", p.getPrimaryRegion());
            return out;
        }
        out.put("from_region", p.getPrimaryRegion());
        out.put("to_region", m.getToRegion());
        out.put("started_at", m.getStartedAt().toString());
        if (m.getDrained() == null) {
            out.put("phase", "draining");
        } else {
            List<Map<String, Object>> waiting = waitingFor(tenant, m);
            out.put("phase", waiting.isEmpty() ? "switching" : "applying");
            out.put("waiting_for", waiting);
        }
        return out;
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
