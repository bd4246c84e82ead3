package dev.maia.mirror;

import dev.maia.control.config.ServiceConfig;
import dev.maia.schemas.topology.KafkaSecurity;
import dev.maia.schemas.topology.RegionSpec;
import dev.maia.schemas.topology.Topology;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.mirror.MirrorCheckpointConnector;
import org.apache.kafka.connect.mirror.MirrorHeartbeatConnector;
import org.apache.kafka.connect.mirror.MirrorMakerConfig;
import org.apache.kafka.connect.mirror.MirrorSourceConnector;
import org.apache.kafka.connect.mirror.SourceAndTarget;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * MirrorMaker 2 reaches every cluster with its own certificate: each region's cluster on both sides of
 * every flow (read here through MM2's own config classes, as MM2 hands them to its clients), and the
 * control cluster its placement filter reads. Without a protocol it is TLS, and TLS without a keystore is
 * refused naming the key.
 */
class MirrorSecurityTest {
    private static final Topology TWO = new Topology(List.of(
            new RegionSpec("us-west", "127.0.0.1:9001", null),
            new RegionSpec("eu-central", "127.0.0.1:9002", null))).withControl("127.0.0.1:9100");
    private static final SourceAndTarget FLOW = new SourceAndTarget("us-west", "eu-central");

    @TempDir
    Path dir;
    private Path keystore;
    private Path truststore;
    private MirrorOptions tls;

    @BeforeEach
    void stores() throws IOException {
        keystore = Files.writeString(dir.resolve("mm2.p12"), "k");
        truststore = Files.writeString(dir.resolve("ca.p12"), "t");
        tls = MirrorOptions.of(Map.of(ServiceConfig.KAFKA_SSL_KEYSTORE, keystore.toString(),
                ServiceConfig.KAFKA_SSL_KEYSTORE_PASSWORD, "ks-secret",
                ServiceConfig.KAFKA_SSL_TRUSTSTORE, truststore.toString(),
                ServiceConfig.KAFKA_SSL_TRUSTSTORE_PASSWORD, "ts-secret"));
    }

    private void assertTls(Map<String, ?> client, String prefix) {
        assertThat(Map.<String, Object>copyOf(client)).as(prefix)
                .containsEntry(prefix + "security.protocol", "SSL")
                .containsEntry(prefix + "ssl.keystore.location", keystore.toString())
                .containsEntry(prefix + "ssl.keystore.password", "ks-secret")
                .containsEntry(prefix + "ssl.truststore.location", truststore.toString())
                .containsEntry(prefix + "ssl.truststore.password", "ts-secret");
    }

    @Test
    void withoutAProtocolMirrorMakerNeedsItsCertificate() {
        assertThatThrownBy(() -> MirrorOptions.of(Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("kafka_ssl_keystore: required with kafka_security_protocol=SSL");
        assertThat(MirrorOptions.of(Map.of(ServiceConfig.KAFKA_SECURITY_PROTOCOL, "PLAINTEXT")).kafkaSecurity())
                .isEqualTo(KafkaSecurity.plaintext());
    }

    @Test
    void everyClusterOfEveryFlowIsReachedWithMirrorMakersCertificate() {
        Map<String, String> config = MirrorConfig.generate(TWO, tls);
        for (String region : TWO.regionNames()) {
            assertTls(config, region + ".");
        }
        MirrorMakerConfig mm = new MirrorMakerConfig(config);
        // The connectors' clients of both clusters of the flow (source.cluster.*, target.cluster.*).
        for (Class<?> connector : List.of(MirrorSourceConnector.class, MirrorCheckpointConnector.class,
                MirrorHeartbeatConnector.class)) {
            Map<String, String> c = mm.connectorBaseConfig(FLOW, connector);
            assertTls(c, "source.cluster.");
            assertTls(c, "target.cluster.");
        }
        // The worker of the flow: its internal topics and the producers into the target.
        assertTls(mm.workerConfig(FLOW), "");
        // What each cluster's clients are built from.
        assertTls(mm.clientConfig("us-west").originals(), "");
        assertTls(mm.clientConfig("eu-central").originals(), "");
    }

    @Test
    void thePlacementFiltersReadersUseMirrorMakersCertificateToo() {
        MirrorMakerConfig mm = new MirrorMakerConfig(MirrorConfig.generate(TWO, tls));
        Map<String, String> source = mm.connectorBaseConfig(FLOW, MirrorSourceConnector.class);

        // The control cluster's placement reader.
        assertThat(PlacementTopicFilter.controlSecurity(source)).isEqualTo(tls.kafkaSecurity());
        // The history reset's admin, consumer and producer on the target cluster.
        assertTls(CopyHistoryReset.targetClient(source, AdminClientConfig.configNames()), "");
        assertTls(CopyHistoryReset.targetClient(source, ConsumerConfig.configNames()), "");
    }

    @Test
    void aFilterWithoutItsControlSecurityIsRefusedNamingTheKey() {
        Map<String, String> source = new HashMap<>(new MirrorMakerConfig(MirrorConfig.generate(TWO, tls))
                .connectorBaseConfig(FLOW, MirrorSourceConnector.class));
        source.remove(PlacementTopicFilter.CONTROL_CLIENT_PREFIX + "security.protocol");
        assertThatThrownBy(() -> PlacementTopicFilter.controlSecurity(source))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("maia.control.security.protocol");
        source.put(PlacementTopicFilter.CONTROL_CLIENT_PREFIX + "security.protocol", "SSL");
        source.remove(PlacementTopicFilter.CONTROL_CLIENT_PREFIX + "ssl.keystore.location");
        assertThatThrownBy(() -> PlacementTopicFilter.controlSecurity(source))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("keystore: required");
    }
}
