package dev.maia.control.log;

import dev.maia.control.ControlTopics;
import dev.maia.control.config.TopicReplication;
import dev.maia.schemas.wal.WalTopics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.config.TopicConfig;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The topics of the control cluster. The control log has one partition (one total order), a replica on
 * every node (one per region) and {@code min.insync.replicas} a majority, so with {@code acks=all} a change
 * is acknowledged only once a majority of regions hold it, and any majority that survives holds every
 * acknowledged change. No unclean election: a replica that missed changes never becomes leader. Nothing
 * is deleted by time: a reader rebuilds every placement from the whole log (it is not compacted either,
 * since a change that did not take effect must not be the one record compaction keeps).
 */
public final class ControlLogTopics {
    /** Probes are only read as "was this acknowledged"; an hour of them is plenty to look at. */
    private static final String PROBE_RETENTION_MS = Long.toString(TimeUnit.HOURS.toMillis(1));

    private ControlLogTopics() {
    }

    /** Creates the control topics unless they exist, replicated on every node of the control cluster. */
    public static void ensure(Admin admin) throws InterruptedException {
        TopicReplication replication = everyNode(admin);
        ControlTopics.ensure(admin, replication.newTopic(WalTopics.CONTROL, Optional.of(1), Map.of(
                TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG, "false",
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
                TopicConfig.RETENTION_MS_CONFIG, "-1",
                TopicConfig.RETENTION_BYTES_CONFIG, "-1")));
        ControlTopics.ensure(admin, replication.newTopic(WalTopics.CONTROL_PROBE, Optional.of(1), Map.of(
                TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG, "false",
                TopicConfig.RETENTION_MS_CONFIG, PROBE_RETENTION_MS)));
        ControlTopics.ensure(admin, replication.newTopic(WalTopics.AUDIT, Optional.of(1), Map.of(
                TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG, "false",
                TopicConfig.RETENTION_MS_CONFIG, "-1",
                TopicConfig.RETENTION_BYTES_CONFIG, "-1")));
        // Only the latest report of each region and tenant matters.
        ControlTopics.ensure(admin, replication.newTopic(WalTopics.USAGE, Optional.of(1), Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
    }

    /** A replica per node, a majority of them in sync. */
    static TopicReplication everyNode(Admin admin) throws InterruptedException {
        int nodes;
        try {
            nodes = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size();
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the control cluster did not answer within 30 s: " + e, e);
        }
        return new TopicReplication((short) nodes, majority(nodes));
    }

    public static int majority(int nodes) {
        return nodes / 2 + 1;
    }
}
