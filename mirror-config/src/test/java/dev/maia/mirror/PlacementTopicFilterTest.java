package dev.maia.mirror;

import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The filter without a reachable cluster: it fails closed and never throws from shouldReplicateTopic. */
class PlacementTopicFilterTest {

    @Test
    void unreachableSourceClusterFailsClosedWithinTheLoadTimeout() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        Map<String, Object> props = new HashMap<>();
        props.put("source.cluster.alias", "us-west");
        props.put("target.cluster.alias", "eu-central");
        props.put(PlacementTopicFilter.CONTROL_BOOTSTRAP_CONFIG, "127.0.0.1:" + port);
        props.put(PlacementTopicFilter.CONTROL_CLIENT_PREFIX + "security.protocol", "PLAINTEXT");
        props.put(PlacementTopicFilter.LOAD_TIMEOUT_CONFIG, "300");
        props.put("topics", MirrorConfig.TOPICS_REGEX);

        PlacementTopicFilter filter = new PlacementTopicFilter();
        long t0 = System.nanoTime();
        filter.configure(props);
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(5_000);
        try {
            assertThat(filter.shouldReplicateTopic("maia.wal.t1")).isFalse();
            assertThat(filter.shouldReplicateTopic("maia.control")).as("the control log is never mirrored").isFalse();
            assertThat(filter.shouldReplicateTopic("maia.positions")).isTrue();
            assertThat(filter.shouldReplicateTopic("us-west.maia.wal.t1")).isFalse();
            assertThat(filter.shouldReplicateTopic(null)).isFalse();
            assertThat(SharedPlacementViews.openViews()).isEqualTo(1);
        } finally {
            filter.close();
            filter.close();
        }
        assertThat(SharedPlacementViews.openViews()).isZero();
        // Closed: still no exception.
        assertThat(filter.shouldReplicateTopic("maia.wal.t1")).isFalse();
    }

    @Test
    void topicsAndTopicsExcludeStillApplyAsAnAllowList() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Map<String, Object> props = new HashMap<>();
        props.put("source.cluster.alias", "us-west");
        props.put("target.cluster.alias", "eu-central");
        props.put(PlacementTopicFilter.CONTROL_BOOTSTRAP_CONFIG, "127.0.0.1:" + port);
        props.put(PlacementTopicFilter.CONTROL_CLIENT_PREFIX + "security.protocol", "PLAINTEXT");
        props.put(PlacementTopicFilter.LOAD_TIMEOUT_CONFIG, "100");
        props.put("topics", "maia\\.positions");
        PlacementTopicFilter filter = new PlacementTopicFilter();
        filter.configure(props);
        try {
            assertThat(filter.shouldReplicateTopic("maia.positions")).isTrue();
            assertThat(filter.shouldReplicateTopic("maia.wal.t1")).as("not in topics").isFalse();
        } finally {
            filter.close();
        }
    }

    @Test
    void missingFlowSettingsAreAConfigError() {
        assertThatThrownBy(() -> new PlacementTopicFilter().configure(Map.of("source.cluster.alias", "a")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("target.cluster.alias");
    }
}
