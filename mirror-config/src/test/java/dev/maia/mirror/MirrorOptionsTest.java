package dev.maia.mirror;

import dev.maia.control.config.ServiceConfig;
import dev.maia.control.config.TopicReplication;
import dev.maia.schemas.topology.RegionSpec;
import dev.maia.schemas.topology.Topology;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.connect.mirror.MirrorCheckpointConfig;
import org.apache.kafka.connect.mirror.MirrorCheckpointConnector;
import org.apache.kafka.connect.mirror.MirrorHeartbeatConfig;
import org.apache.kafka.connect.mirror.MirrorHeartbeatConnector;
import org.apache.kafka.connect.mirror.MirrorMakerConfig;
import org.apache.kafka.connect.mirror.MirrorSourceConfig;
import org.apache.kafka.connect.mirror.MirrorSourceConnector;
import org.apache.kafka.connect.mirror.SourceAndTarget;
import org.apache.kafka.connect.runtime.distributed.DistributedConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import java.util.Optional;

import dev.maia.control.config.ManagementKeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** MM2's declared tunables: their defaults, and the MM2 keys each one sets. */
class MirrorOptionsTest {
    /** MM2 without TLS: only when said (every cluster of these tests is plaintext). */
    static final Map<String, Object> PLAINTEXT = Map.of(ServiceConfig.KAFKA_SECURITY_PROTOCOL, "PLAINTEXT");

    private static final Topology TWO = new Topology(List.of(
            new RegionSpec("us-west", "127.0.0.1:9001", null),
            new RegionSpec("eu-central", "127.0.0.1:9002", null))).withControl("127.0.0.1:9100");
    private static final SourceAndTarget FLOW = new SourceAndTarget("us-west", "eu-central");

    @Test
    void theDefaultsLeaveReplicationToTheClusterAndRefreshWithinSeconds() {
        MirrorOptions defaults = MirrorOptions.of(PLAINTEXT);

        assertThat(defaults.replicationFactor()).isEqualTo((short) TopicReplication.CLUSTER_DEFAULT);
        assertThat(defaults.refreshTopicsIntervalSeconds()).isEqualTo(2);
        assertThat(defaults.syncTopicConfigsIntervalSeconds()).isEqualTo(5);
        assertThat(defaults.emitHeartbeatsIntervalSeconds()).isEqualTo(1);
        assertThat(defaults.tasksMax()).isEqualTo(1);
        assertThat(defaults.producerLingerMs()).isZero();
        assertThat(defaults.consumerFetchMaxWaitMs()).isEqualTo(100);
        assertThat(defaults.offsetFlushIntervalMs()).isEqualTo(1_000);
        assertThat(defaults.originOffsetHeader()).isTrue();
        assertThat(defaults.placementFilter()).isTrue();
        assertThat(defaults.extraProperties()).isEmpty();
        Map<String, String> config = MirrorConfig.generate(TWO, defaults);
        MirrorConfig.REPLICATION_FACTOR_KEYS.forEach(k -> assertThat(config).as(k).containsEntry(k, "-1"));
    }

    @Test
    void everyKeyReachesItsMirrorMakerKeys(@TempDir Path dir) throws IOException {
        Path keystore = Files.writeString(dir.resolve("mm2.p12"), "k");
        Path truststore = Files.writeString(dir.resolve("ca.p12"), "t");
        Map<String, Object> every = new LinkedHashMap<>();
        every.put(ServiceConfig.KAFKA_SECURITY_PROTOCOL, "SSL");
        every.put(ServiceConfig.KAFKA_SSL_KEYSTORE, keystore.toString());
        every.put(ServiceConfig.KAFKA_SSL_KEYSTORE_PASSWORD, "ks-secret");
        every.put(ServiceConfig.KAFKA_SSL_TRUSTSTORE, truststore.toString());
        every.put(ServiceConfig.KAFKA_SSL_TRUSTSTORE_PASSWORD, "ts-secret");
        every.put(MirrorOptions.REPLICATION_FACTOR, "3");
        every.put(MirrorOptions.REFRESH_TOPICS_INTERVAL_SECONDS, "7");
        every.put(MirrorOptions.SYNC_TOPIC_CONFIGS_INTERVAL_SECONDS, "11");
        every.put(MirrorOptions.EMIT_HEARTBEATS_INTERVAL_SECONDS, "13");
        every.put(MirrorOptions.TASKS_MAX, "4");
        every.put(MirrorOptions.PRODUCER_LINGER_MS, "5");
        every.put(MirrorOptions.CONSUMER_FETCH_MAX_WAIT_MS, "250");
        every.put(MirrorOptions.OFFSET_FLUSH_INTERVAL_MS, "15000");
        every.put(MirrorOptions.RESTART_AFTER_MS, "90000");
        every.put(ManagementKeys.MANAGEMENT_HOST, "0.0.0.0");
        every.put(ManagementKeys.MANAGEMENT_PORT, "9464");
        every.put(ManagementKeys.METRICS_KEY, "scrape");
        assertThat(every.keySet()).as("a new key belongs in this test too").isEqualTo(MirrorOptions.CONFIG_DEF.names());

        MirrorOptions options = MirrorOptions.of(every);
        Map<String, String> config = MirrorConfig.generate(TWO, options);
        // The management listener's keys are the process's, not MirrorMaker's.
        assertThat(options.management()).isEqualTo(new ManagementKeys.Listener("0.0.0.0", Optional.of(9464), Optional.of("scrape")));
        assertThat(config.values()).noneMatch(v -> v.contains("scrape"));
        // So is the supervisor's.
        assertThat(options.restartAfter()).isEqualTo(Duration.ofSeconds(90));
        assertThat(config.keySet()).noneMatch(k -> k.contains("restart"));

        MirrorConfig.REPLICATION_FACTOR_KEYS.forEach(k -> assertThat(config).as(k).containsEntry(k, "3"));
        assertThat(config).containsEntry("refresh.topics.interval.seconds", "7")
                .containsEntry("sync.topic.configs.interval.seconds", "11")
                .containsEntry("emit.heartbeats.interval.seconds", "13")
                .containsEntry("tasks.max", "4");
        for (String region : TWO.regionNames()) {
            assertThat(config).containsEntry(region + ".producer.linger.ms", "5")
                    .containsEntry(region + ".consumer.fetch.max.wait.ms", "250")
                    .containsEntry(region + ".offset.flush.interval.ms", "15000")
                    .containsEntry(region + ".security.protocol", "SSL")
                    .containsEntry(region + ".ssl.keystore.location", keystore.toString())
                    .containsEntry(region + ".ssl.truststore.location", truststore.toString());
        }
    }

    @Test
    void aManagementListenerOffLoopbackWithoutAMetricsKeyIsRefused() {
        assertThatThrownBy(() -> MirrorOptions.of(Map.of(ManagementKeys.MANAGEMENT_HOST, "0.0.0.0",
                ManagementKeys.MANAGEMENT_PORT, "9464"))).hasMessageContaining("metrics_key");
        assertThat(MirrorOptions.of(PLAINTEXT).management().port()).isEmpty();
    }

    @Test
    void mirrorMakerTakesTheClusterDefaultInEveryReplicationFactor() {
        // MM2's own config classes (4.3.1) read the generated keys: -1 must pass every one of them, or a
        // deployment on the defaults would fail at start.
        MirrorMakerConfig mm = new MirrorMakerConfig(MirrorConfig.generate(TWO, MirrorOptions.of(PLAINTEXT)));
        List<AbstractConfig> read = List.of(
                new MirrorSourceConfig(mm.connectorBaseConfig(FLOW, MirrorSourceConnector.class)),
                new MirrorCheckpointConfig(mm.connectorBaseConfig(FLOW, MirrorCheckpointConnector.class)),
                new MirrorHeartbeatConfig(mm.connectorBaseConfig(FLOW, MirrorHeartbeatConnector.class)),
                new DistributedConfig(mm.workerConfig(FLOW)));

        for (String key : MirrorConfig.REPLICATION_FACTOR_KEYS) {
            List<Number> values = read.stream().filter(c -> c.values().containsKey(key))
                    .map(c -> (Number) c.values().get(key)).toList();
            assertThat(values).as(key).isNotEmpty().allMatch(v -> v.intValue() == TopicReplication.CLUSTER_DEFAULT);
        }
    }

    @Test
    void theSwitchesSurviveAChangedKeyAndAreNotKeys() {
        MirrorOptions bench = MirrorOptions.of(PLAINTEXT).withPlacementFilter(false).withOriginOffsetHeader(false)
                .withExtraProperties(Map.of("x.y", "z"))
                .with(Map.of(MirrorOptions.TASKS_MAX, 2));

        assertThat(bench.placementFilter()).isFalse();
        assertThat(bench.originOffsetHeader()).isFalse();
        assertThat(bench.extraProperties()).containsExactly(Map.entry("x.y", "z"));
        assertThat(bench.tasksMax()).isEqualTo(2);
        assertThat(bench.withPlacementFilter(true).tasksMax()).isEqualTo(2);
        assertThatThrownBy(() -> MirrorOptions.of(Map.of("placement_filter", "false")))
                .hasMessageStartingWith("placement_filter: unknown key");
        assertThatThrownBy(() -> MirrorOptions.of(PLAINTEXT).with(Map.of(MirrorOptions.REPLICATION_FACTOR, 0)))
                .hasMessage("mirror_replication_factor: must be -1 or 1..32767, got 0");
    }
}
