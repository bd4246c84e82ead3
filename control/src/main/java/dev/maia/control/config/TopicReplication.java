package dev.maia.control.config;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * How the topics a region creates are replicated in its cluster: the replication factor and the
 * {@code min.insync.replicas} that, with {@code acks=all}, decide how many brokers hold a write before it
 * is acknowledged. {@link #CLUSTER_DEFAULT} leaves either to the broker's own default.
 */
public record TopicReplication(short factor, int minInsyncReplicas) {
    public static final int CLUSTER_DEFAULT = -1;

    /** The brokers' defaults for both ({@code default.replication.factor}, {@code min.insync.replicas}). */
    public static final TopicReplication CLUSTER_DEFAULTS = new TopicReplication((short) CLUSTER_DEFAULT, CLUSTER_DEFAULT);

    /** A topic with this replication; {@code partitions} empty takes the broker's default. */
    public NewTopic newTopic(String name, Optional<Integer> partitions, Map<String, String> configs) {
        Map<String, String> all = new HashMap<>(configs);
        if (minInsyncReplicas != CLUSTER_DEFAULT) {
            all.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(minInsyncReplicas));
        }
        Optional<Short> replicas = factor == CLUSTER_DEFAULT ? Optional.empty() : Optional.of(factor);
        return new NewTopic(name, partitions, replicas).configs(all);
    }
}
