package dev.maia.cli.dlq;

import dev.maia.schemas.topology.KafkaSecurity;
import dev.maia.schemas.wal.WalHeaders;
import dev.maia.schemas.wal.WalTopics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a region's DLQ from the beginning to its end as it is now, without a consumer group (nothing is
 * committed, so reading it changes nothing), and keeps the newest entries that match.
 */
final class DlqReader {
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    private DlqReader() {
    }

    static List<DeadLetter> read(String region, String bootstrapServers, KafkaSecurity security, String tenant, int limit) {
        Map<String, Object> config = security.clientConfig(bootstrapServers);
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "maia-dlq-cli");
        Deque<DeadLetter> newest = new ArrayDeque<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(WalTopics.DLQ, READ_TIMEOUT);
            if (infos == null || infos.isEmpty()) {
                return List.of(); // nothing was ever dead-lettered in this region
            }
            List<TopicPartition> partitions = infos.stream().map(p -> new TopicPartition(WalTopics.DLQ, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, READ_TIMEOUT);
            long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the DLQ of " + region + " was not read to its end within " + READ_TIMEOUT.toSeconds() + " s");
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    DeadLetter d = of(region, r);
                    if (tenant == null || tenant.equals(d.tenant())) {
                        newest.addLast(d);
                        if (newest.size() > limit) {
                            newest.removeFirst();
                        }
                    }
                }
            }
        }
        List<DeadLetter> out = new ArrayList<>(newest);
        out.sort(Comparator.comparingLong(DeadLetter::timestamp).thenComparingInt(DeadLetter::dlqPartition)
                .thenComparingLong(DeadLetter::dlqOffset));
        return out;
    }

    static DeadLetter of(String region, ConsumerRecord<String, byte[]> r) {
        String topic = text(r, "maia.dlq.topic");
        Optional<WalTopics.WalTopic> wal = topic == null ? Optional.empty() : WalTopics.parse(topic, region);
        return new DeadLetter(region, r.partition(), r.offset(), r.timestamp(),
                wal.map(WalTopics.WalTopic::tenantId).orElse(null), wal.map(WalTopics.WalTopic::originRegion).orElse(null),
                topic, number(r, "maia.dlq.partition"), number(r, "maia.dlq.offset"), text(r, "maia.dlq.reason"),
                text(r, "maia.dlq.detail"), r.value() == null ? 0 : r.value().length);
    }

    private static String text(ConsumerRecord<String, byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static long number(ConsumerRecord<String, byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        try {
            return h == null ? -1 : WalHeaders.decodeLong(h.value());
        } catch (RuntimeException e) {
            return -1;
        }
    }
}
