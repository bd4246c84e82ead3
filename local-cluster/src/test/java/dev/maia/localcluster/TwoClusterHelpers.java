package dev.maia.localcluster;

import dev.maia.schemas.topology.RegionSpec;
import dev.maia.schemas.topology.Topology;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the MirrorMaker tests on two clusters of their own (not the shared stack) do with them: a topology of the
 * two without a control cluster, topics, one record at a time, and what a topic holds.
 */
final class TwoClusterHelpers {
    private TwoClusterHelpers() {
    }

    /** Regions named after the clusters; no control cluster, so the tests mirror without the placement filter. */
    static Topology topology(LocalKafkaCluster a, LocalKafkaCluster b) {
        return new Topology(List.of(new RegionSpec(a.name(), a.bootstrapServers(), null),
                new RegionSpec(b.name(), b.bootstrapServers(), null)));
    }

    static Admin admin(LocalKafkaCluster c) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, c.bootstrapServers()));
    }

    static void createTopic(LocalKafkaCluster c, String topic) throws Exception {
        try (Admin admin = admin(c)) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
    }

    static Set<String> topics(LocalKafkaCluster c) throws Exception {
        try (Admin admin = admin(c)) {
            return admin.listTopics().names().get();
        }
    }

    static void send(LocalKafkaCluster c, String topic, String value) throws Exception {
        try (KafkaProducer<String, String> p = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, c.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new StringSerializer())) {
            p.send(new ProducerRecord<>(topic, "k", value)).get();
        }
    }

    /** Every value in the topic from its start (none while it does not exist yet). */
    static List<String> values(LocalKafkaCluster c, String topic) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, c.bootstrapServers(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new StringDeserializer())) {
            if (!consumer.listTopics().containsKey(topic)) {
                return List.of();
            }
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            List<String> values = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                consumer.poll(Duration.ofMillis(500)).forEach(r -> values.add(r.value()));
            }
            return values;
        }
    }
}
