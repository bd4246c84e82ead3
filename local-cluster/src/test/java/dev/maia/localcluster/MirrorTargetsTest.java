package dev.maia.localcluster;

import dev.maia.mirror.MirrorConfig;
import dev.maia.mirror.MirrorRunner;
import dev.maia.schemas.topology.Topology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.maia.localcluster.TwoClusterHelpers.createTopic;
import static dev.maia.localcluster.TwoClusterHelpers.send;
import static dev.maia.localcluster.TwoClusterHelpers.topics;
import static dev.maia.localcluster.TwoClusterHelpers.topology;
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
            Topology topology = topology(a, b);
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
}
