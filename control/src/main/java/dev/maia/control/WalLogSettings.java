package dev.maia.control;

import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.TopicConfig;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The settings of every tenant log (docs/architecture.md, "WAL lifecycle"), shared by the write path, which
 * creates the logs, and the apply path's truncator, which keeps them so: never expired by time or size,
 * compacted by resource only below what every holder applied.
 */
public final class WalLogSettings {
    /** Compaction held off entirely ({@code min.compaction.lag.ms}), until the truncator measures the holders. */
    public static final String GATE_CLOSED = Long.toString(Long.MAX_VALUE);

    /**
     * Compacted, and also "delete" with no time or size limit: nothing expires, but Kafka accepts
     * {@code deleteRecords} only on a log whose policy includes delete, and MirrorMaker copies the policy to
     * the mirrored copies, which the truncator truncates that way.
     */
    public static final Map<String, String> LIFECYCLE = Map.of(
            TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT + "," + TopicConfig.CLEANUP_POLICY_DELETE,
            TopicConfig.RETENTION_MS_CONFIG, "-1",
            TopicConfig.RETENTION_BYTES_CONFIG, "-1");

    private WalLogSettings() {
    }

    /** What a new tenant log is created with: the lifecycle, with the gate closed. */
    public static Map<String, String> forNewLog() {
        Map<String, String> configs = new HashMap<>(LIFECYCLE);
        configs.put(TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG, GATE_CLOSED);
        return configs;
    }

    /**
     * The changes that bring a log's current settings to the lifecycle; none when they are there. A log
     * created before the lifecycle (Kafka's default: deleted after 7 days, applied or not) gets them all;
     * one that was not compacted before also gets the closed gate, in the same change, so that compaction
     * does not start before the truncator has measured what the holders applied.
     */
    public static List<AlterConfigOp> upgrade(Config current) {
        List<AlterConfigOp> ops = new ArrayList<>();
        LIFECYCLE.forEach((key, value) -> {
            ConfigEntry e = current.get(key);
            if (e == null || !parts(value).equals(parts(e.value()))) {
                ops.add(new AlterConfigOp(new ConfigEntry(key, value), AlterConfigOp.OpType.SET));
            }
        });
        ConfigEntry policy = current.get(TopicConfig.CLEANUP_POLICY_CONFIG);
        if (policy == null || !parts(policy.value()).contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
            ops.add(new AlterConfigOp(new ConfigEntry(TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG, GATE_CLOSED), AlterConfigOp.OpType.SET));
        }
        return ops;
    }

    /** For a log message: {@code key=value, ...}. */
    public static String describe(List<AlterConfigOp> ops) {
        return ops.stream().map(o -> o.configEntry().name() + "=" + o.configEntry().value()).collect(Collectors.joining(", "));
    }

    /** A setting's value as a set of its comma-separated parts ("compact,delete" equals "delete, compact"). */
    private static Set<String> parts(String value) {
        return value == null ? Set.of() : Arrays.stream(value.split(",")).map(String::trim).collect(Collectors.toSet());
    }
}
