package dev.maia.producer;

import dev.maia.schemas.avro.WALEntry;
import dev.maia.schemas.http.Routes;
import dev.maia.control.placement.PlacementView;
import dev.maia.control.placement.PlacementLog;
import dev.maia.control.position.PositionsView;
import dev.maia.producer.audit.AuditTrail;
import dev.maia.schemas.read.CurrentState;
import dev.maia.schemas.topology.Topology;
import dev.maia.schemas.wal.HybridLogicalClock;
import dev.maia.schemas.wal.WalCodec;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.Admin;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The write path of one region: validation, placement and routing, the clock, the tenant logs and the
 * producer behind MAIA's write API and the placement admin API.
 */
public final class WriteService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WriteService.class);
    private static final long METERS_INTERVAL_MS = 2000;
    private final Admin admin;
    private final WalAppender appender;
    private final PlacementService placements;
    private final WriteApi writeApi;
    private final PlacementAdminRoutes adminRoutes;
    private final LastEntries lastEntries;
    private final MigrationDriver migrations;
    private final HybridLogicalClock clock;
    private final ClockFollower clockFollower;
    private final ReplicationWait replication;
    private final PlacementView view;
    private final ScheduledExecutorService meters;

    public WriteService(WriteConfig config, Topology topology, WalCodec codec, CurrentState state,
                        PlacementView view, PlacementLog placementLog, PositionsView positions, MeterRegistry registry)
            throws InterruptedException {
        this(config, topology, codec, state, view, placementLog, positions, registry, AuditTrail.LOG_ONLY);
    }

    /** {@code audit} records every placement change and migration step made through this region. */
    public WriteService(WriteConfig config, Topology topology, WalCodec codec, CurrentState state,
                        PlacementView view, PlacementLog placementLog, PositionsView positions, MeterRegistry registry,
                        AuditTrail audit)
            throws InterruptedException {
        topology.requireRegion(config.region());
        this.clock = new HybridLogicalClock();
        this.clockFollower = new ClockFollower(clock, config.maxClockSkewMs(), System::currentTimeMillis, config.region(), registry);
        this.admin = Admin.create(config.kafkaClientConfig());
        this.appender = new WalAppender(config.bootstrapServers(), config.kafkaSecurity(), config.region(), codec,
                new WalTopicProvisioner(admin, topology.walPartitions(), config.topicReplication()));
        this.placements = new PlacementService(config.region(), topology, view, placementLog, audit);
        this.view = view;
        this.replication = new ReplicationWait(config.region(), positions::await, config, registry);
        this.writeApi = new WriteApi(config.region(), placements, appender, state, clock, replication, registry,
                config.limits(), OwnWrites.DEFAULT_CAPACITY);
        this.meters = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "maia-sync-meters-" + config.region());
            t.setDaemon(true);
            return t;
        });
        this.lastEntries = new LastEntries(config.bootstrapServers(), config.kafkaSecurity());
        this.migrations = new MigrationDriver(config.region(), placements, writeApi.writer(), positions, lastEntries);
        this.adminRoutes = new PlacementAdminRoutes(placements, migrations);
    }

    /** Starts this region's part in migrations; call once the placements and positions are being read. */
    public void start() {
        migrations.start();
        // The sync meters of tenants placed here follow placement changes (see ReplicationWait.declare).
        meters.scheduleWithFixedDelay(() -> {
            try {
                replication.declare(view.values());
            } catch (RuntimeException e) {
                log.warn("Cannot declare the sync meters", e);
            }
        }, 0, METERS_INTERVAL_MS, TimeUnit.MILLISECONDS);
    }

    public void mount(Routes router) {
        writeApi.mount(router);
        adminRoutes.mount(router);
    }

    public PlacementService placements() {
        return placements;
    }

    /** Follows the clock of an entry this region applied (see {@link ClockFollower}). */
    public void observeApplied(WALEntry entry) {
        clockFollower.follow(entry);
    }

    public HybridLogicalClock clock() {
        return clock;
    }

    @Override
    public void close() {
        meters.shutdownNow();
        migrations.close();
        lastEntries.close();
        appender.close();
        admin.close();
    }
}
