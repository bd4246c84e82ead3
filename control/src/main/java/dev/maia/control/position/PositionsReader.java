package dev.maia.control.position;

import dev.maia.control.ControlTopics;
import dev.maia.control.config.TopicReplication;
import dev.maia.schemas.avro.Position;
import dev.maia.schemas.position.Positions;
import dev.maia.schemas.topology.KafkaSecurity;
import dev.maia.schemas.wal.WalTopics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One-off reads of a cluster's {@code maia.positions}, for tools that do not keep a {@link PositionsView}. */
public final class PositionsReader {
    private PositionsReader() {
    }

    public static void ensureTopic(Admin admin, TopicReplication replication) throws InterruptedException {
        ControlTopics.ensureCompacted(admin, WalTopics.POSITIONS, replication);
    }

    /** Reads one cluster's local {@code maia.positions} to its end: the positions that region published. */
    public static Map<String, Position> readAll(String bootstrapServers, KafkaSecurity security) {
        Map<String, Position> out = new HashMap<>();
        Map<String, Object> config = security.clientConfig(bootstrapServers);
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(WalTopics.POSITIONS, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            if (partitions.isEmpty()) {
                return out;
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value() == null) {
                        out.remove(r.key());
                        continue;
                    }
                    try {
                        out.put(r.key(), Positions.decode(r.value()));
                    } catch (IOException e) {
                        // an unreadable position is skipped: the next publication replaces it
                    }
                }
            }
        }
        return out;
    }
}
