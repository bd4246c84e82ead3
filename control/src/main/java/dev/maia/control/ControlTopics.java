package dev.maia.control;

import dev.maia.control.config.ServiceConfig;
import dev.maia.control.config.TopicReplication;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.TopicExistsException;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The one way this project creates a topic: create it unless it exists. Brokers run with automatic
 * topic creation off, so every topic is created here with the partitions and replication it needs.
 */
public final class ControlTopics {
    private ControlTopics() {
    }

    /**
     * Creates the topic; one that already exists (made by another region process or an earlier run) is
     * fine. Answers whether this call created it, so a caller can check an existing topic's shape.
     */
    public static boolean ensure(Admin admin, NewTopic topic) throws InterruptedException {
        try {
            admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
                return false;
            }
            // A factor above the broker count is a deployment setting, not a bug: say which one.
            String hint = e.getCause() instanceof InvalidReplicationFactorException
                    ? " (" + ServiceConfig.WAL_REPLICATION_FACTOR + " is " + replicationFactor(topic) + ")"
                    : "";
            throw new IllegalStateException("cannot create topic " + topic.name() + ": " + e.getCause().getMessage() + hint, e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not answer the creation of topic " + topic.name() + " within 30 s", e);
        }
    }

    private static String replicationFactor(NewTopic topic) {
        return topic.replicationFactor() == TopicReplication.CLUSTER_DEFAULT ? "the cluster's default" : Short.toString(topic.replicationFactor());
    }

    /** One of this project's compacted control topics (one partition: small and totally ordered). */
    public static void ensureCompacted(Admin admin, String name, TopicReplication replication) throws InterruptedException {
        ensure(admin, replication.newTopic(name, Optional.of(1),
                Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
    }
}
