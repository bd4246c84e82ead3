package dev.maia.mirror;

import dev.maia.control.config.ServiceConfig;
import dev.maia.schemas.topology.RegionSpec;
import dev.maia.schemas.topology.Topology;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Lifecycle rules that need no cluster; real start/stop/restart is covered in local-cluster's tests. */
class MirrorRunnerTest {
    /** MM2 without TLS: only when said (every cluster of these tests is plaintext). */
    static final Map<String, Object> PLAINTEXT = Map.of(ServiceConfig.KAFKA_SECURITY_PROTOCOL, "PLAINTEXT");

    private final Topology topology = new Topology(List.of(
            new RegionSpec("a", "127.0.0.1:1", null), new RegionSpec("b", "127.0.0.1:2", null))).withControl("127.0.0.1:3");

    @Test
    void stopAndCloseBeforeStartAreHarmlessAndFinal() {
        MirrorRunner runner = MirrorRunner.forTopology(topology, MirrorOptions.of(PLAINTEXT));
        assertThat(runner.isRunning()).isFalse();
        runner.stop();
        runner.close();
        assertThat(runner.isRunning()).isFalse();
        assertThatThrownBy(runner::start).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("create a new runner");
    }

    @Test
    void carriesTheGeneratedConfiguration() {
        assertThat(MirrorRunner.forTopology(topology, MirrorOptions.of(PLAINTEXT)).config()).isEqualTo(MirrorConfig.generate(topology, MirrorOptions.of(PLAINTEXT)));
    }
}
