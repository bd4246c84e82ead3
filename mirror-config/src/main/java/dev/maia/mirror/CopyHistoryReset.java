package dev.maia.mirror;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.connect.mirror.DefaultReplicationPolicy;
import org.apache.kafka.connect.mirror.ReplicationPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Makes a topic that starts flowing (again) into the target copy its whole history when the target's copy
 * holds none of it: the copy is missing (never created, or deleted by the target's locality purge) or
 * empty (emptied by that purge and not deleted yet), while MM2 still has committed source offsets for the
 * topic. Those offsets are forgotten ({@link MirrorSourceOffsets#forget}), so the source task that MM2
 * starts for the changed topic set finds none and reads the origin log from its beginning.
 *
 * <p>A copy that holds records is never touched: its history is there, and resuming from the committed
 * offset is right.
 */
final class CopyHistoryReset implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CopyHistoryReset.class);
    /** The flow's settings of its target cluster, as MM2 passes them to every connector of the flow. */
    static final String TARGET_CLUSTER_PREFIX = "target.cluster.";

    private final String source;
    private final String target;
    private final ReplicationPolicy policy;
    private final Admin admin;
    private final MirrorSourceOffsets offsets;
    private final Duration timeout;

    CopyHistoryReset(Map<String, ?> flowConfig, String source, String target, Duration timeout) {
        this.source = source;
        this.target = target;
        this.timeout = timeout;
        DefaultReplicationPolicy replication = new DefaultReplicationPolicy();
        replication.configure(flowConfig);
        this.policy = replication;
        this.admin = Admin.create(targetClient(flowConfig, AdminClientConfig.configNames()));
        Map<String, Object> client = targetClient(flowConfig, ConsumerConfig.configNames());
        client.putAll(targetClient(flowConfig, ProducerConfig.configNames()));
        Object name = flowConfig.get("name");
        this.offsets = new MirrorSourceOffsets(name == null ? MirrorSourceOffsets.SOURCE_CONNECTOR : name.toString(),
                source, client, timeout);
    }

    /** Whether a flow's connector config names its target cluster, so that resets are possible. */
    static boolean possible(Map<String, ?> flowConfig) {
        Object bootstrap = flowConfig.get(TARGET_CLUSTER_PREFIX + AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
        return bootstrap != null && !bootstrap.toString().isBlank();
    }

    /**
     * Called before {@code topic} of the source cluster is answered "flows" after not flowing (or for the
     * first time); answers how many committed offsets were forgotten. Throws when the target cannot be
     * asked: the caller must then not let the topic flow yet, or MM2 would resume past the missing history.
     */
    int prepare(String topic) throws InterruptedException, ExecutionException, TimeoutException {
        String copy = policy.formatRemoteTopic(source, topic);
        if (holdsRecords(copy)) {
            return 0;
        }
        int forgotten = offsets.forget(topic);
        if (forgotten > 0) {
            log.info("mirror {}->{}: {} holds none of {}'s history; forgot {} committed source offsets so it is "
                    + "copied again from the beginning", source, target, copy, topic, forgotten);
        }
        return forgotten;
    }

    /** Whether the target has {@code copy} with at least one record in it. */
    private boolean holdsRecords(String copy) throws InterruptedException, ExecutionException, TimeoutException {
        // Describe the one topic rather than list them all: at MM2's start this runs once per flowing tenant.
        TopicDescription d;
        try {
            d = admin.describeTopics(Set.of(copy)).allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(copy);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return false;
            }
            throw e;
        }
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        d.partitions().forEach(p -> {
            TopicPartition tp = new TopicPartition(copy, p.partition());
            earliest.put(tp, OffsetSpec.earliest());
            latest.put(tp, OffsetSpec.latest());
        });
        Map<TopicPartition, ListOffsetsResultInfo> start = admin.listOffsets(earliest).all()
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        Map<TopicPartition, ListOffsetsResultInfo> end = admin.listOffsets(latest).all()
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return end.entrySet().stream().anyMatch(e -> e.getValue().offset() > start.get(e.getKey()).offset());
    }

    /** The flow's {@code target.cluster.*} settings that a client of the given kind knows. */
    static Map<String, Object> targetClient(Map<String, ?> flowConfig, Set<String> known) {
        Map<String, Object> client = new HashMap<>();
        flowConfig.forEach((key, value) -> {
            if (key.startsWith(TARGET_CLUSTER_PREFIX) && value != null) {
                String name = key.substring(TARGET_CLUSTER_PREFIX.length());
                if (known.contains(name)) {
                    client.put(name, value);
                }
            }
        });
        return client;
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
        offsets.close();
    }
}
