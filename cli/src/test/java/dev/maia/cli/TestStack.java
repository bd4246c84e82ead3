package dev.maia.cli;

import dev.maia.localcluster.LocalRegions;
import dev.maia.localcluster.SharedRegions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One stack per test JVM: the shared three real KRaft clusters with MirrorMaker 2, and a MAIA process
 * per region on top. Test classes use unique tenants so they never see each other's data.
 */
final class TestStack {
    private static RegionNodes nodes;

    private TestStack() {
    }

    static synchronized RegionNodes nodes() throws Exception {
        if (nodes == null) {
            LocalRegions regions = SharedRegions.get();
            Path work = Files.createTempDirectory("maia-it-regions");
            nodes = RegionNodes.start(regions, work, (region, entry) -> { });
            Runtime.getRuntime().addShutdownHook(new Thread(nodes::close));
        }
        return nodes;
    }

    static LocalRegions regions() {
        return SharedRegions.get();
    }

    static String uniqueTenant(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Every record of a topic in a region's cluster, read from the beginning. */
    static List<ConsumerRecord<String, byte[]>> readAll(String region, String topic) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, regions().bootstrapServers(region),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            return out;
        }
    }
}
