package dev.maia.control.config;

import dev.maia.schemas.topology.KafkaSecurity;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How a service's Kafka clients connect: TLS with its certificate unless PLAINTEXT is said, and nothing in between. */
class ServiceConfigSecurityTest {
    private static final Map<String, Object> REGION = Map.of("region", "us-west", "bootstrap_servers", "k:9092");

    @TempDir
    Path dir;

    private static ServiceConfig config(Map<String, ?> extra) {
        Map<String, Object> values = new HashMap<>(REGION);
        values.putAll(extra);
        return new ServiceConfig(ServiceConfig.CONFIG_DEF, values, false);
    }

    @Test
    void withoutAProtocolTlsIsRequiredAndAMissingKeystoreIsRefusedByItsKey() {
        assertThatThrownBy(() -> config(Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("kafka_ssl_keystore: required with kafka_security_protocol=SSL");
    }

    @Test
    void plaintextOnlyWhenSaid() {
        ServiceConfig c = config(Map.of(ServiceConfig.KAFKA_SECURITY_PROTOCOL, "PLAINTEXT"));
        assertThat(c.kafkaClientConfig()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "bootstrap.servers", "k:9092", "security.protocol", "PLAINTEXT"));
    }

    @Test
    void tlsGivesEveryClientTheCertificateAndTheCa() throws IOException {
        Path keystore = Files.writeString(dir.resolve("us-west.p12"), "k");
        Path truststore = Files.writeString(dir.resolve("ca.p12"), "t");
        ServiceConfig c = config(Map.of(ServiceConfig.KAFKA_SSL_KEYSTORE, keystore.toString(),
                ServiceConfig.KAFKA_SSL_KEYSTORE_PASSWORD, "ks-secret",
                ServiceConfig.KAFKA_SSL_TRUSTSTORE, truststore.toString(),
                ServiceConfig.KAFKA_SSL_TRUSTSTORE_PASSWORD, "ts-secret"));
        assertThat(c.kafkaClientConfig())
                .containsEntry("bootstrap.servers", "k:9092")
                .containsEntry("security.protocol", "SSL")
                .containsEntry("ssl.keystore.location", keystore.toString())
                .containsEntry("ssl.keystore.password", "ks-secret")
                .containsEntry("ssl.truststore.location", truststore.toString())
                .containsEntry("ssl.truststore.password", "ts-secret");
        assertThat(c.kafkaSecurity().toString()).doesNotContain("secret");

        // A harness hands its identity on as these keys; read back, it is the same identity.
        assertThat(config(ServiceConfig.kafkaSecurityValues(c.kafkaSecurity())).kafkaSecurity()).isEqualTo(c.kafkaSecurity());
        assertThat(config(ServiceConfig.kafkaSecurityValues(KafkaSecurity.plaintext())).kafkaSecurity())
                .isEqualTo(KafkaSecurity.plaintext());
    }

    @Test
    void anotherConfigurationReadsTheSameKeysTheSameWay() {
        AbstractConfig mirror = new AbstractConfig(ServiceConfig.kafkaSecurityDef(), Map.of(), false);
        assertThatThrownBy(() -> ServiceConfig.kafkaSecurityOf(mirror))
                .hasMessageStartingWith("kafka_ssl_keystore: required");
        assertThat(ServiceConfig.kafkaSecurityDef().names()).containsExactlyInAnyOrderElementsOf(ServiceConfig.KAFKA_SECURITY_KEYS);
    }
}
