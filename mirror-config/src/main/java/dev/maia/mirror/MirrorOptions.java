package dev.maia.mirror;

import dev.maia.control.config.DeclaredKeys;
import dev.maia.control.config.ManagementKeys;
import dev.maia.control.config.ServiceConfig;
import dev.maia.control.config.TopicReplication;
import dev.maia.control.config.Validators;
import dev.maia.schemas.topology.KafkaSecurity;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The tunables of the MirrorMaker 2 configuration {@link MirrorConfig} generates, declared once like
 * every region service's keys ({@code maia mirror --mirror-config FILE}, docs/configuration.md). The
 * defaults suit a real deployment: every replication factor is the target cluster's own default. Local
 * single-broker clusters set {@link #REPLICATION_FACTOR} to 1 explicitly.
 *
 * <p>Three switches are not keys, because only tests and the bench turn them: the origin-offset header,
 * the placement filter and raw MM2 properties. A deployment always runs with both plugins on.
 */
public final class MirrorOptions extends AbstractConfig {
    public static final String REPLICATION_FACTOR = "mirror_replication_factor";
    public static final String REFRESH_TOPICS_INTERVAL_SECONDS = "mirror_refresh_topics_interval_seconds";
    public static final String SYNC_TOPIC_CONFIGS_INTERVAL_SECONDS = "mirror_sync_topic_configs_interval_seconds";
    public static final String EMIT_HEARTBEATS_INTERVAL_SECONDS = "mirror_emit_heartbeats_interval_seconds";
    public static final String TASKS_MAX = "mirror_tasks_max";
    public static final String PRODUCER_LINGER_MS = "mirror_producer_linger_ms";
    public static final String CONSUMER_FETCH_MAX_WAIT_MS = "mirror_consumer_fetch_max_wait_ms";
    public static final String OFFSET_FLUSH_INTERVAL_MS = "mirror_offset_flush_interval_ms";
    public static final String RESTART_AFTER_MS = "mirror_restart_after_ms";

    // Types follow the MM2 / client keys they set, so every value MM2 accepts is accepted here.
    private static final ConfigDef MIRROR_DEF = new ConfigDef()
            .define(REPLICATION_FACTOR, Type.INT, TopicReplication.CLUSTER_DEFAULT, Validators.replicas(), Importance.HIGH,
                    "Replication factor of every topic MM2 creates in a target cluster: the mirrored WALs "
                            + "(us-west.maia.wal.acme: a follower region's only copy of a tenant's log), placements, "
                            + "positions and MM2's internal topics; -1 takes the cluster's default.replication.factor. "
                            + "3 in production; more than a cluster's brokers and MM2 mirrors nothing, saying so only in its log.")
            .define(REFRESH_TOPICS_INTERVAL_SECONDS, Type.LONG, 2L, Validators.atLeast(1), Importance.MEDIUM,
                    "How often MM2 looks for new topics to mirror (refresh.topics.interval.seconds): a new tenant's WAL "
                            + "flows within about this long, where MM2's own 600 would leave it unmirrored for up to 10 minutes.")
            .define(SYNC_TOPIC_CONFIGS_INTERVAL_SECONDS, Type.LONG, 5L, Validators.atLeast(1), Importance.LOW,
                    "How often a source topic's settings (retention, compaction) are copied to its mirrored copies "
                            + "(sync.topic.configs.interval.seconds): seconds rather than MM2's own 10 minutes.")
            .define(EMIT_HEARTBEATS_INTERVAL_SECONDS, Type.LONG, 1L, Validators.atLeast(1), Importance.LOW,
                    "How often MM2 writes a heartbeat into every target cluster (emit.heartbeats.interval.seconds), "
                            + "which shows a flow alive while no tenant writes.")
            .define(TASKS_MAX, Type.INT, 1, Validators.atLeast(1), Importance.MEDIUM,
                    "Tasks per replication flow (tasks.max): more copy a flow's partitions in parallel, at the cost of "
                            + "threads and connections in each of the n*(n-1) flows of n regions.")
            .define(PRODUCER_LINGER_MS, Type.LONG, 0L, Validators.atLeast(0), Importance.LOW,
                    "How long MM2's producers into a target cluster wait to fill a batch (producer.linger.ms): "
                            + "0 sends every record at once, replication latency before batching.")
            .define(CONSUMER_FETCH_MAX_WAIT_MS, Type.INT, 100, Validators.atLeast(0), Importance.LOW,
                    "Longest a fetch from a source cluster waits while there is nothing new "
                            + "(consumer.fetch.max.wait.ms); a record is fetched as soon as it is there, "
                            + "so this only bounds idle polls.")
            .define(OFFSET_FLUSH_INTERVAL_MS, Type.LONG, 1_000L, Validators.atLeast(1), Importance.LOW,
                    "How often MM2 commits how far each flow has copied (offset.flush.interval.ms): after a "
                            + "crash it copies again what it copied since (at-least-once), where Connect's own 60000 "
                            + "would mean up to a minute of duplicates.")
            .define(RESTART_AFTER_MS, Type.LONG, 60_000L, Validators.atLeastOr(10_000, 0), Importance.MEDIUM,
                    "How long a connector or task of a flow may be FAILED before maia mirror restarts MirrorMaker 2, "
                            + "which is the only way back for a failed task: Connect never restarts one itself. One "
                            + "that is otherwise not running (unassigned, unknown to its herder: usually a herder still "
                            + "joining its group, which Connect resolves alone) is given five times this. Restarts back "
                            + "off, doubling up to 5 minutes while the flow stays down. At least 10000; 0 never restarts.");

    /**
     * MirrorMaker's keys, its own identity ({@code kafka_security_protocol}, {@code kafka_ssl_*}, declared once
     * with the regions': its own certificate, a principal of its own for the brokers' ACLs, used on every
     * cluster it touches) and the management listener's ({@code /metrics} with the flows' task states,
     * {@code /health}).
     */
    public static final ConfigDef CONFIG_DEF = ServiceConfig.combine(MIRROR_DEF, ServiceConfig.kafkaSecurityDef(),
            ManagementKeys.CONFIG_DEF);

    private final ManagementKeys.Listener management;
    private final KafkaSecurity kafkaSecurity;
    private final boolean originOffsetHeader;
    private final boolean placementFilter;
    private final Map<String, String> extraProperties;

    private MirrorOptions(Map<String, ?> values, boolean originOffsetHeader, boolean placementFilter,
                          Map<String, String> extraProperties) {
        super(CONFIG_DEF, DeclaredKeys.parse(CONFIG_DEF, values), false);
        this.management = ManagementKeys.listener(this);
        this.kafkaSecurity = ServiceConfig.kafkaSecurityOf(this);
        this.originOffsetHeader = originOffsetHeader;
        this.placementFilter = placementFilter;
        this.extraProperties = Map.copyOf(extraProperties);
    }

    /**
     * The given keys (typed, or as text the way a file or the environment gives them), every other at its
     * default. An unknown key is refused, and every error starts with the key it is about.
     */
    public static MirrorOptions of(Map<String, ?> values) {
        return new MirrorOptions(values, true, true, Map.of());
    }

    /** The same options with some keys set otherwise. */
    public MirrorOptions with(Map<String, ?> changes) {
        Map<String, Object> values = new HashMap<>(originals());
        values.putAll(changes);
        return new MirrorOptions(values, originOffsetHeader, placementFilter, extraProperties);
    }

    /** On (the default): mirrored WAL records carry their source offset ({@link SourceOffsetHeaderTransform}). */
    public MirrorOptions withOriginOffsetHeader(boolean enabled) {
        return new MirrorOptions(originals(), enabled, placementFilter, extraProperties);
    }

    /**
     * On (the default): every flow uses {@link PlacementTopicFilter}, so a tenant's WAL reaches only the
     * regions its placement names. Off: every local WAL flows everywhere (the {@code topics} regex alone).
     */
    public MirrorOptions withPlacementFilter(boolean enabled) {
        return new MirrorOptions(originals(), originOffsetHeader, enabled, extraProperties);
    }

    /** Raw MM2 keys applied last (they win), e.g. a flow-prefixed {@code topic.filter.class}. */
    public MirrorOptions withExtraProperties(Map<String, String> extra) {
        return new MirrorOptions(originals(), originOffsetHeader, placementFilter, extra);
    }

    /** How MM2 reaches every region's cluster and the control cluster: its certificate, or PLAINTEXT when said. */
    public KafkaSecurity kafkaSecurity() {
        return kafkaSecurity;
    }

    /** The mirror process's management listener; its port is empty when there is none. */
    public ManagementKeys.Listener management() {
        return management;
    }

    /** {@link TopicReplication#CLUSTER_DEFAULT} leaves it to each target cluster. */
    public short replicationFactor() {
        return getInt(REPLICATION_FACTOR).shortValue();
    }

    public long refreshTopicsIntervalSeconds() {
        return getLong(REFRESH_TOPICS_INTERVAL_SECONDS);
    }

    public long syncTopicConfigsIntervalSeconds() {
        return getLong(SYNC_TOPIC_CONFIGS_INTERVAL_SECONDS);
    }

    public long emitHeartbeatsIntervalSeconds() {
        return getLong(EMIT_HEARTBEATS_INTERVAL_SECONDS);
    }

    public int tasksMax() {
        return getInt(TASKS_MAX);
    }

    public long producerLingerMs() {
        return getLong(PRODUCER_LINGER_MS);
    }

    public int consumerFetchMaxWaitMs() {
        return getInt(CONSUMER_FETCH_MAX_WAIT_MS);
    }

    public long offsetFlushIntervalMs() {
        return getLong(OFFSET_FLUSH_INTERVAL_MS);
    }

    /** {@link Duration#ZERO}: never restart. */
    public Duration restartAfter() {
        return Duration.ofMillis(getLong(RESTART_AFTER_MS));
    }

    public boolean originOffsetHeader() {
        return originOffsetHeader;
    }

    public boolean placementFilter() {
        return placementFilter;
    }

    public Map<String, String> extraProperties() {
        return extraProperties;
    }
}
