package dev.maia.producer;

import dev.maia.schemas.topology.KafkaSecurity;
import dev.maia.control.config.ServiceConfig;
import dev.maia.control.config.Validators;
import dev.maia.schemas.avro.SyncMode;
import dev.maia.schemas.placement.Placements;
import dev.maia.control.lease.LeaseSettings;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything the write path of one region needs: the keys it declares (below) and the ones every
 * service shares ({@link ServiceConfig}), validated at construction with errors that start with the key.
 * {@code sync_mode} is the deployment's; a tenant's placement may override it. The WAL's partition
 * count is not a region's setting but the deployment's: {@code wal_partitions} of the topology file.
 */
public final class WriteConfig extends ServiceConfig {
    public static final String MAX_CLOCK_SKEW_MS = "max_clock_skew_ms";
    public static final String SYNC_MODE = "sync_mode";
    public static final String SYNC_TIMEOUT_MS = "sync_timeout_ms";
    public static final String ON_SYNC_TIMEOUT = "on_sync_timeout";
    public static final String LEASE_DURATION_MS = "lease_duration_ms";
    public static final String LEASE_RENEW_INTERVAL_MS = "lease_renew_interval_ms";
    public static final String LEASE_CLOCK_MARGIN_MS = "lease_clock_margin_ms";
    public static final String FAILOVER_AUTOMATIC = "failover_automatic";
    public static final String FAILBACK_AUTOMATIC = "failback_automatic";

    private static final List<String> SYNC_MODES = Arrays.stream(SyncMode.values()).map(Placements::syncModeName).toList();

    public static final ConfigDef CONFIG_DEF = new ConfigDef(ServiceConfig.CONFIG_DEF)
            .define(MAX_CLOCK_SKEW_MS, Type.LONG, 10_000L, Validators.atLeast(1), Importance.LOW,
                    "How far ahead of this machine's clock an applied entry's clock may be and still be followed "
                            + "by this region's write clock; further ahead is refused and counted.")
            .define(SYNC_MODE, Type.STRING, "async", Validators.oneOf(SYNC_MODES), Importance.MEDIUM,
                    "When a write is answered: after the local append (async), once the placement's min_sync_replicas replica regions "
                            + "applied it (semi-sync), or all of them (sync). A tenant's placement may override it.")
            .define(SYNC_TIMEOUT_MS, Type.LONG, 5_000L, Validators.atLeast(1), Importance.MEDIUM,
                    "How long a semi-sync or sync write waits for its replica regions.")
            .define(ON_SYNC_TIMEOUT, Type.STRING, "fail", Validators.oneOf(List.of("fail", "degrade")), Importance.MEDIUM,
                    "A write whose replicas did not answer in time: 504 REPLICATION_TIMEOUT (fail) "
                            + "or a success marked degraded (degrade). The write is never undone.")
            .define(LEASE_DURATION_MS, Type.LONG, LeaseSettings.DEFAULTS.duration().toMillis(), Validators.atLeast(1000),
                    Importance.MEDIUM, "How long a region's lease lasts without a renewal acknowledged by a majority of the "
                            + "control cluster. Another region calls it lapsed after this long without reading a renewal, "
                            + "and only then may a replica take the region's tenants over: the time to fail over is about "
                            + "this plus a second. The same in every region.")
            .define(LEASE_RENEW_INTERVAL_MS, Type.LONG, LeaseSettings.DEFAULTS.renewInterval().toMillis(), Validators.atLeast(100),
                    Importance.LOW, "How often a region renews its lease; several renewals fit in one lease, so a lost one "
                            + "does not stop writes. Below lease_duration_ms - lease_clock_margin_ms.")
            .define(LEASE_CLOCK_MARGIN_MS, Type.LONG, LeaseSettings.DEFAULTS.clockMargin().toMillis(), Validators.atLeast(0),
                    Importance.LOW, "How much earlier than lease_duration_ms after sending a renewal a region stops accepting "
                            + "writes: covers the difference between two machines' clock rates over one lease (monotonic "
                            + "clocks only; wall-clock skew plays no part). Below lease_duration_ms.")
            .define(FAILOVER_AUTOMATIC, Type.BOOLEAN, true, Importance.MEDIUM,
                    "Whether this region takes over the replicated and global tenants it holds when their primary's lease "
                            + "lapses (the most caught-up reachable replica does; sync and semi-sync tenants only a replica "
                            + "holding every acknowledged write). Off: an operator runs maia failover.")
            .define(FAILBACK_AUTOMATIC, Type.BOOLEAN, false, Importance.LOW,
                    "Whether a tenant's primary moves back (a planned migration, nothing lost) to the region it failed over "
                            + "from once that region holds its lease again. Off by default: a region that failed once may "
                            + "fail again, and an operator decides (maia migrate).");

    public WriteConfig(Map<String, ?> values) {
        super(CONFIG_DEF, values, false);
        try {
            leaseSettings();
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    /** A region reaching Kafka with {@code security}, every other key at its default. */
    public static WriteConfig defaults(String region, String bootstrapServers, KafkaSecurity security) {
        Map<String, Object> values = new HashMap<>(kafkaSecurityValues(security));
        values.put(REGION, region);
        values.put(BOOTSTRAP_SERVERS, bootstrapServers);
        return new WriteConfig(values);
    }

    /** Not keys: the limits are the API's contract, the same in every region. */
    public WriteLimits limits() {
        return WriteLimits.DEFAULTS;
    }

    public long maxClockSkewMs() {
        return getLong(MAX_CLOCK_SKEW_MS);
    }

    public SyncMode syncMode() {
        return Placements.parseSyncMode(getString(SYNC_MODE));
    }

    public long syncTimeoutMs() {
        return getLong(SYNC_TIMEOUT_MS);
    }

    public LeaseSettings leaseSettings() {
        return new LeaseSettings(Duration.ofMillis(getLong(LEASE_DURATION_MS)), Duration.ofMillis(getLong(LEASE_RENEW_INTERVAL_MS)),
                Duration.ofMillis(getLong(LEASE_CLOCK_MARGIN_MS)));
    }

    public boolean failoverAutomatic() {
        return getBoolean(FAILOVER_AUTOMATIC);
    }

    public boolean failbackAutomatic() {
        return getBoolean(FAILBACK_AUTOMATIC);
    }

    public boolean degradeOnSyncTimeout() {
        return getString(ON_SYNC_TIMEOUT).equals("degrade");
    }
}
