package dev.maia.mirror;

import dev.maia.control.config.ServiceConfig;
import dev.maia.schemas.topology.RegionSpec;
import dev.maia.schemas.topology.Topology;
import org.apache.kafka.connect.mirror.MirrorMakerConfig;
import org.apache.kafka.connect.mirror.MirrorSourceConnector;
import org.apache.kafka.connect.mirror.SourceAndTarget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import org.assertj.core.api.Assertions;

class MirrorConfigTest {
    /** MM2 without TLS: only when said (every cluster of these tests is plaintext). */
    static final Map<String, Object> PLAINTEXT = Map.of(ServiceConfig.KAFKA_SECURITY_PROTOCOL, "PLAINTEXT");

    private static final Topology THREE = new Topology(List.of(
            new RegionSpec("us-west", "127.0.0.1:9001", null),
            new RegionSpec("eu-central", "127.0.0.1:9002", null),
            new RegionSpec("ap-tokyo", "127.0.0.1:9003", null))).withControl("127.0.0.1:9100");

    /** What the local clusters run (one broker each); the production defaults are MirrorOptionsTest's. */
    private static final MirrorOptions ONE_BROKER = MirrorOptions.of(PLAINTEXT).with(Map.of(MirrorOptions.REPLICATION_FACTOR, 1));

    private final Map<String, String> config = MirrorConfig.generate(THREE, ONE_BROKER);

    @Test
    void declaresEveryRegionAsAClusterWithItsBootstrapServers() {
        assertThat(config.get("clusters").split(",")).containsExactly("us-west", "eu-central", "ap-tokyo");
        assertThat(config).containsEntry("us-west.bootstrap.servers", "127.0.0.1:9001")
                .containsEntry("eu-central.bootstrap.servers", "127.0.0.1:9002")
                .containsEntry("ap-tokyo.bootstrap.servers", "127.0.0.1:9003");
        assertThat(config).containsEntry("replication.policy.class",
                "org.apache.kafka.connect.mirror.DefaultReplicationPolicy");
    }

    @Test
    void enablesOneFlowPerOrderedPairOfRegions() {
        List<String> flows = config.entrySet().stream()
                .filter(e -> e.getKey().endsWith(".enabled") && e.getKey().contains("->"))
                .filter(e -> e.getValue().equals("true"))
                .map(e -> e.getKey().substring(0, e.getKey().length() - ".enabled".length()))
                .toList();
        assertThat(flows).containsExactlyInAnyOrder(
                "us-west->eu-central", "us-west->ap-tokyo",
                "eu-central->us-west", "eu-central->ap-tokyo",
                "ap-tokyo->us-west", "ap-tokyo->eu-central");
    }

    @Test
    void topicsMatchLocalWalsAndPositionsButNotMirroredCopiesOrTheControlLog() {
        // MM2's DefaultTopicFilter joins the list with '|' and uses matches(): a full-string match.
        Pattern topics = Pattern.compile(config.get("topics"));
        assertThat(topics.matcher("maia.wal.t1").matches()).isTrue();
        assertThat(topics.matcher("maia.wal.tenant_A-9").matches()).isTrue();
        assertThat(topics.matcher("maia.positions").matches()).isTrue();

        assertThat(topics.matcher("us-west.maia.wal.t1").matches()).isFalse();
        assertThat(topics.matcher("eu-central.us-west.maia.wal.t1").matches()).isFalse();
        assertThat(topics.matcher("maia.control").matches()).isFalse();
        assertThat(topics.matcher("us-west.maia.positions").matches()).isFalse();
        assertThat(topics.matcher("maiaXpositions").matches()).isFalse();
        assertThat(topics.matcher("maia.dlq").matches()).isFalse();
        assertThat(topics.matcher("heartbeats").matches()).isFalse();
    }

    @Test
    void setsEveryReplicationFactorFromTheOptions() {
        assertThat(MirrorConfig.REPLICATION_FACTOR_KEYS).containsExactlyInAnyOrder(
                "replication.factor", "checkpoints.topic.replication.factor",
                "heartbeats.topic.replication.factor", "offset-syncs.topic.replication.factor",
                "offset.storage.replication.factor", "status.storage.replication.factor",
                "config.storage.replication.factor");
        MirrorConfig.REPLICATION_FACTOR_KEYS.forEach(k -> assertThat(config).containsEntry(k, "1"));

        Map<String, String> three = MirrorConfig.generate(THREE, ONE_BROKER.with(Map.of(MirrorOptions.REPLICATION_FACTOR, 3)));
        MirrorConfig.REPLICATION_FACTOR_KEYS.forEach(k -> assertThat(three).containsEntry(k, "3"));
    }

    @Test
    void usesServiceLoadDiscoveryAtTopLevelAndPerClusterAndShortRefreshIntervals() {
        assertThat(config).containsEntry("plugin.discovery", "service_load");
        for (String r : THREE.regionNames()) {
            assertThat(config).containsEntry(r + ".plugin.discovery", "service_load");
            assertThat(config).containsEntry(r + ".producer.linger.ms", "0");
            assertThat(config).containsKey(r + ".consumer.fetch.max.wait.ms");
            assertThat(config).containsEntry(r + ".consumer.isolation.level", "read_committed");
        }
        assertThat(Integer.parseInt(config.get("refresh.topics.interval.seconds"))).isBetween(1, 5);
        assertThat(Integer.parseInt(config.get("sync.topic.configs.interval.seconds"))).isBetween(1, 5);
        assertThat(config).containsEntry("sync.group.offsets.enabled", "false");
        assertThat(MirrorConfig.generate(THREE, ONE_BROKER.with(Map.of(MirrorOptions.REFRESH_TOPICS_INTERVAL_SECONDS, 4))))
                .containsEntry("refresh.topics.interval.seconds", "4");
    }

    @Test
    void configuresTheOriginOffsetTransformWithFlowPrefixedKeysOnly() {
        String flow = "us-west->eu-central.";
        assertThat(config).containsEntry(flow + "transforms", "originOffset")
                .containsEntry(flow + "transforms.originOffset.type", SourceOffsetHeaderTransform.class.getName())
                .containsEntry(flow + "transforms.originOffset.predicate", "walTopic")
                .containsEntry(flow + "predicates", "walTopic")
                .containsEntry(flow + "predicates.walTopic.type",
                        "org.apache.kafka.connect.transforms.predicates.TopicNameMatches");
        // Unprefixed transforms break every MM2 connector; cluster-prefixed ones are ignored.
        assertThat(config.keySet()).filteredOn(k -> k.contains("transforms") || k.contains("predicates"))
                .allMatch(k -> k.contains("->"));
        assertThat(config.keySet()).filteredOn(k -> k.endsWith("transforms")).hasSize(6);

        // The transform sees the record after MM2 renamed its topic.
        Pattern p = Pattern.compile(config.get(flow + "predicates.walTopic.pattern"));
        assertThat(p.matcher("us-west.maia.wal.t1").matches()).isTrue();
        assertThat(p.matcher("us-west.maia.positions").matches()).isFalse();
        assertThat(p.matcher("heartbeats").matches()).isFalse();
        assertThat(p.matcher("us-west.heartbeats").matches()).isFalse();
        assertThat(p.matcher("usXwest.maia.wal.t1").matches()).isFalse();

        assertThat(MirrorConfig.generate(THREE, ONE_BROKER.withOriginOffsetHeader(false)).keySet())
                .noneMatch(k -> k.contains("transforms"));
    }

    @Test
    void mirrorMakerReadsTheKeysWhereTheyAreMeant() {
        // MM2's own config class resolves the key forms: this checks they land in the connector and
        // worker configs, not only that the map holds them.
        MirrorMakerConfig mm = new MirrorMakerConfig(config);
        assertThat(mm.clusterPairs()).hasSize(6);
        SourceAndTarget flow = new SourceAndTarget("us-west", "eu-central");

        Map<String, String> source = mm.connectorBaseConfig(flow, MirrorSourceConnector.class);
        assertThat(source).containsEntry("enabled", "true")
                .containsEntry("topics", MirrorConfig.TOPICS_REGEX)
                .containsEntry("transforms", "originOffset")
                .containsEntry("predicates.walTopic.pattern", "us-west\\.maia\\.wal\\..*")
                .containsEntry("replication.factor", "1")
                .containsEntry("source.cluster.bootstrap.servers", "127.0.0.1:9001")
                .containsEntry("target.cluster.bootstrap.servers", "127.0.0.1:9002")
                .containsEntry("source.consumer.fetch.max.wait.ms", "100");

        Map<String, String> worker = mm.workerConfig(flow);
        assertThat(worker).containsEntry("bootstrap.servers", "127.0.0.1:9002")
                .containsEntry("producer.linger.ms", "0")
                .containsEntry("offset.flush.interval.ms", "1000")
                .containsEntry("offset.storage.replication.factor", "1")
                .containsEntry("status.storage.replication.factor", "1")
                .containsEntry("config.storage.replication.factor", "1");
    }

    @Test
    void usesThePlacementTopicFilterOnEveryFlowWithFlowPrefixedKeysByDefault() {
        assertThat(config.entrySet()).filteredOn(e -> e.getKey().endsWith("topic.filter.class"))
                .hasSize(6)
                .allMatch(e -> e.getKey().contains("->"))
                .allMatch(e -> e.getValue().equals(PlacementTopicFilter.class.getName()));
        assertThat(config).containsEntry("ap-tokyo->us-west.topic.filter.class", PlacementTopicFilter.class.getName());
        // The filter keeps the topics regex as its allow-list, so it stays in the configuration.
        assertThat(config).containsEntry("topics", MirrorConfig.TOPICS_REGEX);

        MirrorMakerConfig mm = new MirrorMakerConfig(config);
        Map<String, String> source = mm.connectorBaseConfig(new SourceAndTarget("eu-central", "ap-tokyo"),
                MirrorSourceConnector.class);
        assertThat(source).containsEntry("topic.filter.class", PlacementTopicFilter.class.getName())
                .containsEntry("source.cluster.alias", "eu-central")
                .containsEntry("target.cluster.alias", "ap-tokyo")
                .containsEntry("source.cluster.bootstrap.servers", "127.0.0.1:9002")
                .containsEntry(PlacementTopicFilter.CONTROL_BOOTSTRAP_CONFIG, "127.0.0.1:9100")
                .containsEntry("topics", MirrorConfig.TOPICS_REGEX);
        // Without a control cluster there are no placements to filter by: refused, naming the key.
        Topology noControl = new Topology(THREE.regions());
        Assertions.assertThatThrownBy(() -> MirrorConfig.generate(noControl, ONE_BROKER))
                .hasMessageContaining("control_bootstrap_servers");

        assertThat(MirrorConfig.generate(THREE, ONE_BROKER.withPlacementFilter(false)).keySet())
                .noneMatch(k -> k.contains("topic.filter"));
        assertThat(MirrorOptions.of(PLAINTEXT).placementFilter()).isTrue();
        assertThat(ONE_BROKER.withPlacementFilter(false).with(Map.of(MirrorOptions.TASKS_MAX, 2)).placementFilter()).isFalse();
    }

    @Test
    void extraPropertiesWin() {
        Map<String, String> c = MirrorConfig.generate(THREE, ONE_BROKER
                .withExtraProperties(Map.of("us-west->eu-central.enabled", "false", "x.y", "z")));
        assertThat(c).containsEntry("us-west->eu-central.enabled", "false").containsEntry("x.y", "z");
    }

    @Test
    void propertiesFileLoadsBackToTheSameMap(@TempDir Path dir) throws Exception {
        Map<String, String> withOddValues = new HashMap<>(config);
        withOddValues.put("odd key:=#!", " leading space, tab\t, newline\n, é, back\\slash");
        Path file = dir.resolve("mm2.properties");
        MirrorConfig.writeProperties(withOddValues, file);

        String text = Files.readString(file, StandardCharsets.ISO_8859_1);
        assertThat(text).contains("topics=maia\\\\.wal\\\\..*|maia\\\\.positions");

        Properties loaded = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
            loaded.load(r);
        }
        Map<String, String> back = new HashMap<>();
        loaded.stringPropertyNames().forEach(k -> back.put(k, loaded.getProperty(k)));
        assertThat(back).isEqualTo(withOddValues);
    }
}
