package dev.maia.producer;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
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
    private static final int FIRST_LOOK_BACK = 16;
    private final KafkaConsumer<byte[], byte[]> consumer;

    LastEntries(String bootstrapServers) {
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Partition -> offset of its last record; partitions without any are left out; empty if there is no such topic. */
    synchronized Map<Integer, Long> of(String topic, Duration timeout) {
        List<PartitionInfo> partitions = consumer.partitionsFor(topic, timeout);
        Map<Integer, Long> out = new HashMap<>();
        if (partitions == null) {
            return out;
        }
        for (PartitionInfo info : partitions) {
            TopicPartition tp = new TopicPartition(topic, info.partition());
            long last = lastRecord(tp, timeout);
            if (last >= 0) {
                out.put(tp.partition(), last);
            }
        }
        return out;
    }

    /** Looks back from the end in growing steps until a record is found or the log's beginning is reached. */
    private long lastRecord(TopicPartition tp, Duration timeout) {
        List<TopicPartition> one = List.of(tp);
        long begin = consumer.beginningOffsets(one, timeout).get(tp);
        long end = consumer.endOffsets(one, timeout).get(tp);
        consumer.assign(one);
        for (long back = FIRST_LOOK_BACK; ; back *= 4) {
            long from = Math.max(begin, end - back);
            consumer.seek(tp, from);
            long last = -1;
            long deadline = System.nanoTime() + timeout.toNanos();
            while (consumer.position(tp) < end) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + tp + " to its end within " + timeout);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    last = Math.max(last, r.offset());
                }
            }
            if (last >= 0 || from == begin) {
                return last;
            }
        }
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(1));
    }
}
