package dev.maia.producer;

import dev.maia.control.ControlTopics;
import dev.maia.control.WalLogSettings;
import dev.maia.control.config.TopicReplication;
import dev.maia.schemas.wal.WalTopics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Creates a tenant's log before its first append, with the deployment's partition count: every copy of
 * every WAL topic must have the same number of partitions so a resource maps to the same partition
 * everywhere. Broker auto-creation would use the broker's default instead. Public because tools that
 * append straight to Kafka ({@code maia produce --via kafka}) must create the log the same way.
 *
 * <p>A tenant's log is never expired by time or size: an entry some holding region has not applied must
 * not go. It is compacted by key (the resource) instead, and only below what every holder has applied:
 * the log is created with compaction held off entirely ({@code min.compaction.lag.ms} at its maximum),
 * and the region's {@code WalTruncator} lowers that gate to the age of the oldest entry a holder still
 * lacks (docs/architecture.md, "WAL lifecycle"). A log created before that rule is brought to it here.
 */
public final class WalTopicProvisioner {
    private static final Logger log = LoggerFactory.getLogger(WalTopicProvisioner.class);

    private final Admin admin;
    private final int partitions;
    private final TopicReplication replication;
    private final Set<String> known = ConcurrentHashMap.newKeySet();

    public WalTopicProvisioner(Admin admin, int partitions, TopicReplication replication) {
        this.admin = admin;
        this.partitions = partitions;
        this.replication = replication;
    }

    /**
     * Creates the tenant's log if missing (an existing log must have the deployment's partition count) and
     * returns once every partition's leader serves it.
     */
    public void ensure(String tenantId) throws InterruptedException {
        String topic = WalTopics.wal(tenantId);
        if (known.contains(topic)) {
            return;
        }
        if (ControlTopics.ensure(admin, replication.newTopic(topic, Optional.of(partitions), WalLogSettings.forNewLog()))) {
            log.info("Created {} with {} partitions", topic, partitions);
        } else {
            verifyPartitions(topic);
            upgradeLifecycle(topic);
        }
        awaitLeaders(topic);
        known.add(topic);
    }

    /**
     * A created topic's leaders take a moment to come up. An idempotent producer that pipelines appends
     * into a partition in that moment can get a NOT_LEADER_OR_FOLLOWER on its first batch and then
     * OUT_OF_ORDER_SEQUENCE_NUMBER on every later one until the delivery timeout fails them all. Listing
     * the partitions' offsets is answered by each leader only once it serves the partition.
     */
    private void awaitLeaders(String topic) throws InterruptedException {
        Map<TopicPartition, OffsetSpec> all = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            all.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                admin.listOffsets(all).all().get(10, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException | TimeoutException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the leaders of " + topic + " were not ready within 30 s", e);
                }
                Thread.sleep(100);
            }
        }
    }

    /** The deployment's partition count of every tenant log. */
    public int partitions() {
        return partitions;
    }

    /** A log created before the WAL lifecycle gets its settings ({@link WalLogSettings#upgrade}). */
    private void upgradeLifecycle(String topic) throws InterruptedException {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        try {
            Config current = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
            List<AlterConfigOp> ops = WalLogSettings.upgrade(current);
            if (ops.isEmpty()) {
                return;
            }
            admin.incrementalAlterConfigs(Map.of(resource, ops)).all().get(30, TimeUnit.SECONDS);
            log.info("{} was created before the WAL lifecycle: set {}", topic, WalLogSettings.describe(ops));
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot bring the settings of " + topic + " to the WAL lifecycle", e);
        }
    }

    private void verifyPartitions(String topic) throws InterruptedException {
        try {
            TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
            if (d.partitions().size() != partitions) {
                throw new IllegalStateException(topic + " has " + d.partitions().size() + " partitions, but the topology's wal_partitions is "
                        + partitions + ": resources would map to different partitions in different regions");
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot describe " + topic, e);
        }
    }
}
