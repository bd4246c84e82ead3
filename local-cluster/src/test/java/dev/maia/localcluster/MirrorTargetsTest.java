package dev.maia.localcluster;

import dev.maia.mirror.MirrorConfig;
import dev.maia.mirror.MirrorRunner;
import dev.maia.schemas.topology.RegionSpec;
import dev.maia.schemas.topology.Topology;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code maia mirror --target}: a runner with target regions runs only the flows into them (how the compose
 * stack runs one mirror per region). Two real clusters of its own, not the shared stack, whose mirror runs
 * every flow.
 */
class MirrorTargetsTest {

    @TempDir
    Path work;

    @Test
    void onlyTheFlowsIntoTheTargetRun() throws Exception {
        try (LocalKafkaCluster a = LocalKafkaCluster.start("a", work); LocalKafkaCluster b = LocalKafkaCluster.start("b", work)) {
            Topology topology = new Topology(List.of(new RegionSpec("a", a.bootstrapServers(), null),
                    new RegionSpec("b", b.bootstrapServers(), null)));
            // No control cluster here: every WAL topic flows (the placement filter is the shared stack's business).
            Map<String, String> config = MirrorConfig.generate(topology,
                    LocalRegions.mirrorOptions().withPlacementFilter(false));
            String topic = "maia.wal.targets";
            for (LocalKafkaCluster c : List.of(a, b)) {
                createTopic(c, topic);
                send(c, topic, "written in " + c.name());
            }

            try (MirrorRunner runner = new MirrorRunner(config, List.of("b")).start()) {
                assertThat(runner.targets()).containsExactly("b");
                await("a's log copied into b").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                        .until(() -> topics(b).contains("a." + topic));
                // The flow b->a would have created its copy within a few topic refreshes (2 s) as well.
                Thread.sleep(8_000);
                assertThat(topics(a)).as("no flow into a runs").doesNotContain("b." + topic);
            }
        }
    }

    private static Admin admin(LocalKafkaCluster c) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, c.bootstrapServers()));
    }

    private static void createTopic(LocalKafkaCluster c, String topic) throws Exception {
        try (Admin admin = admin(c)) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
    }

    private static Set<String> topics(LocalKafkaCluster c) throws Exception {
        try (Admin admin = admin(c)) {
            return admin.listTopics().names().get();
        }
    }

    private static void send(LocalKafkaCluster c, String topic, String value) throws Exception {
        try (KafkaProducer<String, String> p = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, c.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new StringSerializer())) {
            p.send(new ProducerRecord<>(topic, "k", value)).get();
        }
    }
}
