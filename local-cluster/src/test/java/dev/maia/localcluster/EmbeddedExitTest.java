package dev.maia.localcluster;

import org.apache.kafka.common.utils.Exit;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A MirrorMaker 2 herder of one test's stack, interrupted while it stopped, called Exit.exit(1): the JVM
 * ran its shutdown hooks, stopped the shared regions under the tests that were still running, and surefire
 * reported the fork as crashed. Embedded Kafka may lose a part, never the process.
 */
class EmbeddedExitTest {
    @Test
    void kafkasExitAndHaltThrowInsteadOfEndingTheJvm() {
        EmbeddedExit.install();
        assertThatThrownBy(() -> Exit.exit(1, "Uncaught exception in herder work thread"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("status 1").hasMessageContaining("herder");
        assertThatThrownBy(() -> Exit.halt(1)).isInstanceOf(IllegalStateException.class);
    }
}
