package dev.maia.control.config;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The keys every service shares: declared once, combined once, and the topics they shape. */
class ServiceConfigTest {
    @Test
    void servicesCombineIntoOneDefinitionWithEachKeyOnce() {
        ConfigDef write = new ConfigDef(ServiceConfig.CONFIG_DEF).define("a", Type.INT, 1, Importance.LOW, "a");
        ConfigDef apply = new ConfigDef(ServiceConfig.CONFIG_DEF).define("b", Type.INT, 1, Importance.LOW, "b");

        assertThat(ServiceConfig.combine(write, apply).names())
                .containsExactly("region", "bootstrap_servers", "wal_replication_factor", "wal_min_insync_replicas", "control_timeout_ms",
                        "kafka_security_protocol", "kafka_ssl_keystore", "kafka_ssl_keystore_password", "kafka_ssl_truststore",
                        "kafka_ssl_truststore_password", "a", "b");
        ConfigDef again = new ConfigDef().define("a", Type.INT, 2, Importance.LOW, "a, declared again");
        assertThatThrownBy(() -> ServiceConfig.combine(write, again)).hasMessage("a is declared twice");
    }

    @Test
    void topicsGetTheReplicationAndMinInsyncReplicasOrTheClustersDefaults() {
        NewTopic replicated = new TopicReplication((short) 3, 2).newTopic("maia.wal.acme", Optional.of(6), Map.of("k", "v"));
        assertThat(replicated.numPartitions()).isEqualTo(6);
        assertThat(replicated.replicationFactor()).isEqualTo((short) 3);
        assertThat(replicated.configs()).isEqualTo(Map.of("k", "v", "min.insync.replicas", "2"));

        NewTopic byDefault = TopicReplication.CLUSTER_DEFAULTS.newTopic("maia.dlq", Optional.empty(), Map.of());
        assertThat(byDefault.replicationFactor()).isEqualTo((short) -1);
        assertThat(byDefault.configs()).isEmpty();
    }

    @Test
    void anUnknownKeyOrABadValueIsRefusedByItsKey() {
        Map<String, Object> region = Map.of("region", "us-west", "bootstrap_servers", "k:9092", "kafka_security_protocol", "PLAINTEXT");
        assertThat(new ServiceConfig(ServiceConfig.CONFIG_DEF, region, false).topicReplication())
                .isEqualTo(TopicReplication.CLUSTER_DEFAULTS);
        assertThatThrownBy(() -> new ServiceConfig(ServiceConfig.CONFIG_DEF, Map.of("region", "us-west", "bootstrap_servers", "k:9092",
                "wal.partitions", 3), false)).hasMessageStartingWith("wal.partitions: unknown key");
        assertThatThrownBy(() -> new ServiceConfig(ServiceConfig.CONFIG_DEF, Map.of("region", "us-west"), false))
                .hasMessageStartingWith("bootstrap_servers: missing");
        assertThatThrownBy(() -> new ServiceConfig(ServiceConfig.CONFIG_DEF, Map.of("region", "us-west", "bootstrap_servers", "k:9092",
                "wal_replication_factor", "three"), false)).hasMessage("wal_replication_factor: must be an integer, got 'three'");
    }
}
