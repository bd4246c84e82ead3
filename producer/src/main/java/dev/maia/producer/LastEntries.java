package dev.maia.producer;

import dev.maia.control.PartitionScan;
import dev.maia.schemas.topology.KafkaSecurity;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The offset of the last committed record of each partition of a log. Not the end offset: a batch is
 * appended in a transaction, so a partition usually ends with a commit marker, which no reader applies
 * and no position ever reaches.
 */
final class LastEntries implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;

    LastEntries(String bootstrapServers, KafkaSecurity security) {
        Map<String, Object> config = security.clientConfig(bootstrapServers);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        this.consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Partition -> offset of its last record; partitions without any are left out; empty if there is no such topic. */
    synchronized Map<Integer, Long> of(String topic, Duration timeout) {
        List<PartitionInfo> partitions = consumer.partitionsFor(topic, timeout);
        Map<Integer, Long> out = new HashMap<>();
        if (partitions == null) {
            return out;
        }
        for (PartitionInfo info : partitions) {
            PartitionScan.last(consumer, new TopicPartition(topic, info.partition()), timeout)
                    .ifPresent(r -> out.put(info.partition(), r.offset()));
        }
        return out;
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(1));
    }
}
