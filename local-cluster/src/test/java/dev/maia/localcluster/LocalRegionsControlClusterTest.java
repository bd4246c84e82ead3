package dev.maia.localcluster;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static dev.maia.localcluster.SharedRegionsHelpers.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@link LocalRegions} starts the regions' control cluster with them (the shared stack of this JVM is
 * such a start), and only when asked to. Read-only on the shared control cluster: nodes are stopped in
 * {@link LocalControlClusterTest}, on a cluster of its own.
 */
class LocalRegionsControlClusterTest {

    @Test
    void theSharedRegionsRunAControlClusterOfOneNodePerRegionThatTakesMajorityWrites() throws Exception {
        LocalRegions regions = SharedRegions.get();
        assertThat(regions.hasControlCluster()).isTrue();
        LocalControlCluster control = regions.controlCluster();
        assertThat(control.regionNames()).containsExactlyElementsOf(regions.regionNames());
        assertThat(regions.controlBootstrapServers()).isEqualTo(control.bootstrapServers());
        assertThat(regions.topology().controlBootstrapServers()).as("what MM2 and the regions read").isEqualTo(control.bootstrapServers());
        List<String> addresses = Arrays.asList(regions.controlBootstrapServers().split(","));
        assertThat(addresses).hasSize(3).allSatisfy(a -> assertThat(a).startsWith("127.0.0.1:"))
                .doesNotContainAnyElementsOf(regions.regionNames().stream().map(regions::bootstrapServers).toList());

        String topic = "maia.control.t" + unique();
        try (Admin admin = Admin.create(control.adminConfig())) {
            assertThat(admin.describeCluster().nodes().get()).hasSize(3).extracting(Node::host).containsOnly("127.0.0.1");
            // The cluster's defaults: a topic created without settings is on every node, a majority in sync.
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) -1))).all().get();
            // The broker asked may learn of the new topic a moment after the controller created it.
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
                TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
                assertThat(d.partitions().get(0).replicas()).hasSize(3);
                assertThat(admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, topic)))
                        .all().get().values().iterator().next().get("min.insync.replicas").value()).isEqualTo("2");
            });
        }
        try (KafkaProducer<String, String> p = new KafkaProducer<>(control.adminConfig(), new StringSerializer(),
                new StringSerializer())) {
            RecordMetadata m = p.send(new ProducerRecord<>(topic, "k", "v")).get();
            assertThat(m.offset()).isZero();
        }
    }

    @Test
    void startsWithoutAControlClusterWhenAskedTo(@TempDir Path work) {
        try (LocalRegions solo = LocalRegions.builder(List.of("solo"), work).controlCluster(false).start()) {
            assertThat(solo.hasControlCluster()).isFalse();
            assertThatThrownBy(solo::controlBootstrapServers).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("without a control cluster");
            assertThat(work.resolve(LocalRegions.CONTROL_DIRECTORY)).doesNotExist();
        }
    }

    @Test
    void aOneRegionStartHasAOneNodeControlClusterBesideItsCluster(@TempDir Path work) {
        try (LocalRegions solo = LocalRegions.start(List.of("solo"), work)) {
            assertThat(solo.controlCluster().replicationFactor()).isEqualTo(1);
            assertThat(solo.controlBootstrapServers()).startsWith("127.0.0.1:").isNotEqualTo(solo.bootstrapServers("solo"));
            assertThat(work.resolve(LocalRegions.CONTROL_DIRECTORY).resolve("control-solo").resolve("server.properties"))
                    .exists();
        }
    }
}
