package dev.maia.producer;

import dev.maia.schemas.wal.WalTopics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Creates a tenant's log before its first append, with the deployment's partition count: every copy of
 * every WAL topic must have the same number of partitions so a resource maps to the same partition
 * everywhere. Broker auto-creation would use the broker's default instead.
 */
final class WalTopicProvisioner {
    private static final Logger log = LoggerFactory.getLogger(WalTopicProvisioner.class);

    private final Admin admin;
    private final int partitions;
    private final short replicationFactor;
    private final Set<String> known = ConcurrentHashMap.newKeySet();

    WalTopicProvisioner(Admin admin, int partitions, short replicationFactor) {
        this.admin = admin;
        this.partitions = partitions;
        this.replicationFactor = replicationFactor;
    }

    void ensure(String tenantId) throws InterruptedException {
        String topic = WalTopics.wal(tenantId);
        if (known.contains(topic)) {
            return;
        }
        try {
            admin.createTopics(List.of(new NewTopic(topic, partitions, replicationFactor))).all().get(30, TimeUnit.SECONDS);
            log.info("Created {} with {} partitions", topic, partitions);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create " + topic + ": " + e.getCause().getMessage(), e.getCause());
            }
            verifyPartitions(topic);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not answer the creation of " + topic + " within 30 s", e);
        }
        known.add(topic);
    }

    private void verifyPartitions(String topic) throws InterruptedException {
        try {
            TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
            if (d.partitions().size() != partitions) {
                throw new IllegalStateException(topic + " has " + d.partitions().size() + " partitions, but wal.partitions is "
                        + partitions + ": resources would map to different partitions in different regions");
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot describe " + topic, e);
        }
    }
}
