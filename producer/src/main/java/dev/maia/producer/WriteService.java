package dev.maia.producer;

import dev.maia.schemas.avro.WALEntry;
import dev.maia.schemas.http.Routes;
import dev.maia.control.BackgroundTask;
import dev.maia.control.lease.CandidacyLog;
import dev.maia.control.lease.LeaseKeeper;
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

import java.util.function.Predicate;

/**
 * The write path of one region: validation, placement and routing, the clock, the tenant logs and the
 * producer behind MAIA's write API and the placement admin API.
 */
public final class WriteService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WriteService.class);
    /** How often the sync meters and the primary logs catch up with placement changes. */
    private static final long FOLLOW_PLACEMENTS_MS = 2000;
    private final Admin admin;
    private final WalAppender appender;
    private final PlacementService placements;
    private final WriteApi writeApi;
    private final PlacementAdminRoutes adminRoutes;
    private final LastEntries lastEntries;
    private final MigrationDriver migrations;
    private final FailoverDriver failovers;
    private final LeaseKeeper lease;
    private final HybridLogicalClock clock;
    private final ClockFollower clockFollower;
    private final ReplicationWait replication;
    private final PlacementView view;
    private BackgroundTask meters;
    private BackgroundTask primaryLogs;

    /**
     * {@code audit} records every placement change, migration step and failover made through this region;
     * {@code lease} is the region's lease (this service starts it), {@code candidacies} where it offers to take
     * tenants over.
     */
    public WriteService(WriteConfig config, Topology topology, WalCodec codec, CurrentState state,
                        PlacementView view, PlacementLog placementLog, PositionsView positions, MeterRegistry registry,
                        AuditTrail audit, LeaseKeeper lease, CandidacyLog candidacies)
            throws InterruptedException {
        topology.requireRegion(config.region());
        this.clock = new HybridLogicalClock();
        this.clockFollower = new ClockFollower(clock, config.maxClockSkewMs(), System::currentTimeMillis, config.region(), registry);
        this.admin = Admin.create(config.kafkaClientConfig());
        this.appender = new WalAppender(config.bootstrapServers(), config.kafkaSecurity(), config.region(), codec,
                new WalTopicProvisioner(admin, topology.walPartitions(), config.topicReplication()));
        this.lease = lease;
        this.placements = new PlacementService(config.region(), topology, view, placementLog, audit, lease::held);
        this.view = view;
        this.replication = new ReplicationWait(config.region(), positions::await, config, registry);
        this.writeApi = new WriteApi(config.region(), placements, appender, state, clock, replication, registry,
                config.limits(), OwnWrites.DEFAULT_CAPACITY);
        this.lastEntries = new LastEntries(config.bootstrapServers(), config.kafkaSecurity());
        this.migrations = new MigrationDriver(config.region(), placements, writeApi.writer(), positions, lastEntries);
        this.failovers = new FailoverDriver(config.region(), topology, placements, view, lease, candidacies, positions, config, registry);
        this.adminRoutes = new PlacementAdminRoutes(placements, migrations, failovers, view, lease);
    }

    /**
     * Starts the lease, this region's part in migrations and failovers, and the logs of the tenants it leads
     * ({@code deleted}: tenants deleted by the control log, whose logs the region deletes and must not bring
     * back); call once the placements, tenants and positions are being read.
     */
    public void start(Predicate<String> deleted) throws InterruptedException {
        lease.start();
        migrations.start();
        failovers.start();
        String region = placements.region();
        // The sync meters of tenants placed here follow placement changes (see ReplicationWait.declare).
        meters = BackgroundTask.every("maia-sync-meters-" + region, 0, FOLLOW_PLACEMENTS_MS, () -> {
            try {
                replication.declare(view.values());
            } catch (RuntimeException e) {
                log.warn("Cannot declare the sync meters", e);
            }
        });
        // Its own thread: creating a log may wait on the broker for seconds, which must not hold up the meters.
        primaryLogs = BackgroundTask.every("maia-primary-logs-" + region, 0, FOLLOW_PLACEMENTS_MS,
                new PrimaryLogProvisioner(region, view::values, deleted, appender));
    }

    public void mount(Routes router) {
        writeApi.mount(router);
        adminRoutes.mount(router);
    }

    /** The tenants this region would take over but cannot without losing acknowledged writes, and why. */
    public java.util.Map<String, String> blockedFailovers() {
        return failovers.blocked();
    }

    public LeaseKeeper lease() {
        return lease;
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
        if (meters != null) {
            meters.close();
        }
        if (primaryLogs != null) {
            primaryLogs.close();
        }
        failovers.close();
        lease.close();
        migrations.close();
        lastEntries.close();
        appender.close();
        admin.close();
    }
}
