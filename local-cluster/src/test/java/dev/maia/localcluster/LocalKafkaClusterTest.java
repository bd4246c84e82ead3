package dev.maia.localcluster;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class LocalKafkaClusterTest {

    @Test
    void startsALoopbackOnlyClusterThatTakesWritesAndStopsCleanly(@TempDir Path work) throws Exception {
        LocalKafkaCluster cluster = LocalKafkaCluster.start("solo", work);
        try {
            assertThat(cluster.name()).isEqualTo("solo");
            assertThat(cluster.bootstrapServers()).startsWith("127.0.0.1:");
            assertThat(Files.readString(cluster.directory().resolve("server.properties")))
                    .contains("listeners=PLAINTEXT\\://127.0.0.1\\:")
                    .doesNotContain("0.0.0.0");

            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()))) {
                List<Node> nodes = new ArrayList<>(admin.describeCluster().nodes().get());
                assertThat(nodes).hasSize(1);
                assertThat(nodes.get(0).host()).isEqualTo("127.0.0.1");
                admin.createTopics(List.of(new NewTopic("t", 2, (short) 1))).all().get();
            }
            try (KafkaProducer<String, String> p = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
                    ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
                p.send(new ProducerRecord<>("t", 1, "k", "v")).get();
            }
            try (KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()),
                    new StringDeserializer(), new StringDeserializer())) {
                TopicPartition tp = new TopicPartition("t", 1);
                c.assign(List.of(tp));
                c.seekToBeginning(List.of(tp));
                List<ConsumerRecord<String, String>> got = new ArrayList<>();
                long deadline = System.currentTimeMillis() + 15_000;
                while (got.isEmpty() && System.currentTimeMillis() < deadline) {
                    c.poll(Duration.ofMillis(200)).forEach(got::add);
                }
                assertThat(got).extracting(ConsumerRecord::value).containsExactly("v");
            }
        } finally {
            cluster.close();
        }
        cluster.close(); // idempotent
        cluster.deleteData();
        assertThat(cluster.directory()).doesNotExist();
    }

    @Test
    void refusesToWipeADirectoryItDidNotCreate(@TempDir Path work) throws Exception {
        Files.createDirectories(work.resolve("precious"));
        Files.writeString(work.resolve("precious").resolve("keep.txt"), "x");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LocalKafkaCluster.start("precious", work))
                .hasStackTraceContaining("refusing to wipe");
        assertThat(work.resolve("precious").resolve("keep.txt")).exists();
    }
}
