package dev.maia.localcluster;

import dev.maia.mirror.MirrorConfig;
import dev.maia.mirror.MirrorOptions;
import dev.maia.mirror.MirrorSupervisor;
import dev.maia.mirror.MirrorTaskState;
import dev.maia.schemas.topology.Topology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.maia.localcluster.TwoClusterHelpers.createTopic;
import static dev.maia.localcluster.TwoClusterHelpers.send;
import static dev.maia.localcluster.TwoClusterHelpers.topology;
import static dev.maia.localcluster.TwoClusterHelpers.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A flow whose MirrorMaker task failed replicates again: the supervisor restarts MirrorMaker 2 once the task
 * has not run for mirror_restart_after_ms. Without it the task stays FAILED and nothing written after the
 * failure reaches the other region. Two real clusters of its own and a real MM2; the failure is a transform
 * that throws once ({@link FailOnceTransform}).
 */
class MirrorSupervisorTest {

    @TempDir
    Path work;

    @Test
    void aFailedTaskIsRestartedAndWhatWasWrittenSinceArrives() throws Exception {
        try (LocalKafkaCluster a = LocalKafkaCluster.start("a", work); LocalKafkaCluster b = LocalKafkaCluster.start("b", work)) {
            Topology topology = topology(a, b);
            MirrorOptions options = LocalRegions.mirrorOptions().withPlacementFilter(false)
                    .with(Map.of(MirrorOptions.RESTART_AFTER_MS, 10_000L))
                    .withExtraProperties(Map.of(
                            "a->b.transforms", MirrorConfig.TRANSFORM_ALIAS + ",failOnce",
                            "a->b.transforms.failOnce.type", FailOnceTransform.class.getName()));
            String topic = "maia.wal.supervised";
            createTopic(a, topic);
            FailOnceTransform.ARMED.set(true);

            try (MirrorSupervisor mirror = MirrorSupervisor.of(MirrorConfig.generate(topology, options), List.of("b"), options)
                    .start()) {
                send(a, topic, "before");
                await("the flow a->b copies").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                        .until(() -> values(b, "a." + topic).contains("before"));

                send(a, topic, FailOnceTransform.POISON);
                send(a, topic, "after");
                await("a->b's source task failed").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                        .until(() -> mirror.taskStates().stream().anyMatch(s -> s.connector().equals("MirrorSourceConnector")
                                && !s.task().equals(MirrorTaskState.CONNECTOR) && s.state().equals("FAILED")));
                assertThat(mirror.restarts()).isZero();

                await("what was written since the failure arrives").atMost(Duration.ofSeconds(120))
                        .pollInterval(Duration.ofSeconds(1))
                        .until(() -> values(b, "a." + topic).containsAll(List.of(FailOnceTransform.POISON, "after")));
                assertThat(mirror.restarts()).isEqualTo(1);
                assertThat(mirror.lastRestart().notRunning()).containsExactly("a->b MirrorSourceConnector 0 FAILED");
                await("every connector and task runs again").atMost(Duration.ofSeconds(60))
                        .until(() -> !mirror.taskStates().isEmpty() && mirror.taskStates().stream().allMatch(MirrorTaskState::running));
            }
        }
    }
}
