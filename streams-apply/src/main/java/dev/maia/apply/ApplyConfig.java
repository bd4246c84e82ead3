package dev.maia.apply;

import dev.maia.schemas.topology.KafkaSecurity;
import dev.maia.apply.store.StoreConfig;
import dev.maia.control.config.ServiceConfig;
import dev.maia.control.config.Validators;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything the apply service of one region needs: the keys it declares (below) and the ones every
 * service shares ({@link ServiceConfig}), validated at construction with errors that start with the key.
 */
public final class ApplyConfig extends ServiceConfig {
    public static final String WORK_DIR = "work_dir";
    public static final String STORE_MAX_ENTRIES = "store_max_entries";
    public static final String STORE_AVERAGE_VALUE_BYTES = "store_average_value_bytes";
    public static final String STORE_MAX_POSITIONS = "store_max_positions";
    public static final String STORE_TENANT_QUOTA_BYTES = "store_tenant_quota_bytes";
    public static final String APPLY_STREAM_THREADS = "apply_stream_threads";
    public static final String APPLY_COMMIT_INTERVAL_MS = "apply_commit_interval_ms";
    public static final String APPLY_MAX_POLL_RECORDS = "apply_max_poll_records";
    public static final String APPLY_FETCH_MAX_WAIT_MS = "apply_fetch_max_wait_ms";
    public static final String APPLY_FETCH_MIN_BYTES = "apply_fetch_min_bytes";
    public static final String READ_WAIT_MS = "read_wait_ms";
    public static final String ON_READ_TIMEOUT = "on_read_timeout";
    public static final String WAL_TRUNCATE_INTERVAL_MS = "wal_truncate_interval_ms";
    public static final String WAL_COMPACTION_MARGIN_MS = "wal_compaction_margin_ms";
    public static final String ALERT_LAG_MAX_SECONDS = "alert_lag_max_seconds";

    public static final ConfigDef CONFIG_DEF = new ConfigDef(ServiceConfig.CONFIG_DEF)
            .define(WORK_DIR, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, Validators.nonBlank(), Importance.HIGH,
                    "Directory of this region's replica store (store/) and Kafka Streams state (streams/).")
            .define(STORE_MAX_ENTRIES, Type.LONG, 1_000_000L, Validators.atLeast(1), Importance.HIGH,
                    "Resources (memories, namespaces, tombstones) the replica store holds. Preallocated, "
                            + "and fixed when the store file is created: a larger value needs a new store.")
            .define(STORE_AVERAGE_VALUE_BYTES, Type.INT, 1024, Validators.atLeast(16), Importance.MEDIUM,
                    "Average size of a stored entry, for the store's preallocation; an entry far larger goes to maia.dlq. "
                            + "Fixed when the store file is created.")
            .define(STORE_MAX_POSITIONS, Type.LONG, 100_000L, Validators.atLeast(1), Importance.LOW,
                    "Applied positions the store holds: one per origin region, tenant and partition. "
                            + "Fixed when the store file is created.")
            .define(STORE_TENANT_QUOTA_BYTES, Type.LONG, null, Validators.atLeast(1), Importance.HIGH,
                    "Bytes of stored entries one tenant may have in this region's store. At or over it, the tenant's "
                            + "creates and updates are answered 507 QUOTA_EXCEEDED (deletes still pass) and an entry that "
                            + "would grow it goes to maia.dlq (reason quota_exceeded), while every other tenant keeps applying. "
                            + "Unset: half of what the store is sized for (" + STORE_MAX_ENTRIES + " x "
                            + STORE_AVERAGE_VALUE_BYTES + " / 2), so that no one tenant can fill it.")
            .define(APPLY_STREAM_THREADS, Type.INT, 1, Validators.atLeast(1), Importance.MEDIUM,
                    "Kafka Streams threads that apply WAL entries (num.stream.threads); "
                            + "more than one helps only with several partitions to apply.")
            .define(APPLY_COMMIT_INTERVAL_MS, Type.LONG, 1_000L, Validators.atLeast(10), Importance.LOW,
                    "How often apply writes its applied positions to the store and then commits its Kafka offsets. "
                            + "Reads, lag and published positions see a position at once; this only bounds what a crash "
                            + "applies a second time (harmless: applying an entry again changes nothing). Each commit is a "
                            + "round trip to the brokers that holds up applying.")
            .define(APPLY_MAX_POLL_RECORDS, Type.INT, 1_000, Validators.atLeast(1), Importance.LOW,
                    "Most WAL records apply takes from one poll (the consumer's max.poll.records).")
            .define(APPLY_FETCH_MAX_WAIT_MS, Type.INT, 50, Validators.atLeast(0), Importance.LOW,
                    "How long the broker may hold a fetch of apply's consumer for " + APPLY_FETCH_MIN_BYTES
                            + " to arrive (fetch.max.wait.ms): an upper bound on the delay it adds to a quiet log.")
            .define(APPLY_FETCH_MIN_BYTES, Type.INT, 1, Validators.atLeast(1), Importance.LOW,
                    "Bytes the broker waits for before answering a fetch of apply's consumer (fetch.min.bytes); "
                            + "1 answers as soon as anything arrives, the least lag.")
            .define(READ_WAIT_MS, Type.LONG, 5_000L, Validators.atLeast(0), Importance.MEDIUM,
                    "How long a read that carries a position waits until this region has applied it (read-your-writes).")
            .define(ON_READ_TIMEOUT, Type.STRING, "fail", Validators.oneOf(List.of("fail", "redirect")), Importance.MEDIUM,
                    "A read whose position was not applied in time: 504 (fail) or a redirect to the tenant's primary (redirect).")
            .define(WAL_TRUNCATE_INTERVAL_MS, Type.LONG, 60_000L, Validators.atLeast(0), Importance.MEDIUM,
                    "How often this region's WAL truncator lets its tenant logs be compacted below what every holder "
                            + "applied, and truncates its mirrored copies below what it applied itself. 0 turns it off: "
                            + "nothing is ever removed from the logs or copies (they grow with every write).")
            .define(WAL_COMPACTION_MARGIN_MS, Type.LONG, 300_000L, Validators.atLeast(0), Importance.LOW,
                    "Added to the age of the oldest entry some holder has not applied when the truncator sets a tenant "
                            + "log's min.compaction.lag.ms: covers clock differences between this process and the brokers, "
                            + "and rounds that come late.")
            .define(ALERT_LAG_MAX_SECONDS, Type.DOUBLE, 30.0, Validators.atLeast(0), Importance.MEDIUM,
                    "The replication lag this region should stay under, exported as maia_replication_lag_max_seconds: "
                            + "the lag alert fires when maia_replication_lag_seconds stays above it.");

    public ApplyConfig(Map<String, ?> values) {
        super(CONFIG_DEF, values, false);
    }

    /** A region whose files live under {@code workDir}, reaching Kafka with {@code security}, every other key at its default. */
    public static ApplyConfig defaults(String region, String bootstrapServers, KafkaSecurity security, Path workDir) {
        Map<String, Object> values = new HashMap<>(kafkaSecurityValues(security));
        values.put(REGION, region);
        values.put(BOOTSTRAP_SERVERS, bootstrapServers);
        values.put(WORK_DIR, workDir.toString());
        return new ApplyConfig(values);
    }

    public String applicationId() {
        return "maia-apply-" + region();
    }

    public Path stateDir() {
        return workDir().resolve("streams");
    }

    public StoreConfig store() {
        long maxEntries = getLong(STORE_MAX_ENTRIES);
        int averageValueBytes = getInt(STORE_AVERAGE_VALUE_BYTES);
        Long quota = getLong(STORE_TENANT_QUOTA_BYTES);
        return new StoreConfig(workDir().resolve("store"), maxEntries, averageValueBytes, getLong(STORE_MAX_POSITIONS),
                quota != null ? quota : Math.max(1, maxEntries * averageValueBytes / 2));
    }

    public long commitIntervalMs() {
        return getLong(APPLY_COMMIT_INTERVAL_MS);
    }

    public int maxPollRecords() {
        return getInt(APPLY_MAX_POLL_RECORDS);
    }

    public int fetchMaxWaitMs() {
        return getInt(APPLY_FETCH_MAX_WAIT_MS);
    }

    public int fetchMinBytes() {
        return getInt(APPLY_FETCH_MIN_BYTES);
    }

    public int streamThreads() {
        return getInt(APPLY_STREAM_THREADS);
    }

    public long readWaitMs() {
        return getLong(READ_WAIT_MS);
    }

    /** Whether a read that waited in vain is sent to the tenant's primary (else: 504). */
    public boolean redirectReadsOnTimeout() {
        return getString(ON_READ_TIMEOUT).equals("redirect");
    }

    public long walTruncateIntervalMs() {
        return getLong(WAL_TRUNCATE_INTERVAL_MS);
    }

    public double alertLagMaxSeconds() {
        return getDouble(ALERT_LAG_MAX_SECONDS);
    }

    public long walCompactionMarginMs() {
        return getLong(WAL_COMPACTION_MARGIN_MS);
    }

    private Path workDir() {
        return Path.of(getString(WORK_DIR));
    }
}
