package dev.maia.schemas.topology;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TopologyTest {
    private static final String REGIONS = """
            regions:
            - name: us-west
              bootstrap_servers: localhost:9092
            """;

    @TempDir
    Path dir;

    private Topology load(String yaml) throws IOException {
        Path file = dir.resolve("topology.yaml");
        Files.writeString(file, yaml);
        return Topology.load(file);
    }

    @Test
    void walPartitionsDefaultsToThreeAndIsReadWhenGiven() throws IOException {
        assertThat(load(REGIONS).walPartitions()).isEqualTo(3);
        assertThat(load(REGIONS + "wal_partitions: 6\n").walPartitions()).isEqualTo(6);
    }

    @Test
    void walPartitionsBelowOneIsRefusedNamingTheKey() {
        assertThatThrownBy(() -> load(REGIONS + "wal_partitions: 0\n"))
                .isInstanceOf(TopologyException.class)
                .hasMessageContaining("wal_partitions: must be >= 1, got 0");
    }

    @Test
    void aWrittenTopologyCarriesItsPartitionCount() throws IOException {
        Path file = dir.resolve("out.yaml");
        new Topology(List.of(new RegionSpec("us-west", "localhost:9092", "http://127.0.0.1:8080")), "ak", Map.of("acme", "tk"))
                .write(file);
        assertThat(Files.readString(file)).contains("wal_partitions: 3");
        assertThat(Topology.load(file).walPartitions()).isEqualTo(3);
    }

    @Test
    void theWrittenFileWithItsKeysIsReadableByItsOwnerOnly() throws IOException {
        Path file = dir.resolve("keys.yaml");
        // A file there before (world-readable, as the default umask makes it) and a stale temporary file.
        Files.writeString(file, "old");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        Files.writeString(dir.resolve("keys.yaml.tmp"), "stale");
        Files.setPosixFilePermissions(dir.resolve("keys.yaml.tmp"), PosixFilePermissions.fromString("rw-rw-rw-"));

        new Topology(List.of(new RegionSpec("us-west", "localhost:9092", "http://127.0.0.1:8080")), "admin-secret",
                Map.of("acme", "tenant-secret")).write(file);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Files.readString(file)).contains("admin-secret");
        assertThat(dir.resolve("keys.yaml.tmp")).doesNotExist();
    }

    @Test
    void aTopologyWithoutKafkaSecurityIsNotTakenForPlaintext() throws IOException {
        Topology t = load(REGIONS);
        assertThatThrownBy(t::requireKafkaSecurity)
                .isInstanceOf(TopologyException.class)
                .hasMessageStartingWith("kafka_security: required");
    }

    @Test
    void kafkaSecurityIsReadAsWrittenAndTlsNeedsItsStores() throws IOException {
        assertThat(load(REGIONS + "kafka_security: {protocol: PLAINTEXT}\n").requireKafkaSecurity().isTls()).isFalse();
        KafkaSecurity tls = load(REGIONS + """
                kafka_security:
                  protocol: SSL
                  keystore: /etc/maia/cli.p12
                  keystore_password: ks-secret
                  truststore: /etc/maia/ca.p12
                  truststore_password: ts-secret
                """).requireKafkaSecurity();
        assertThat(tls.clientProperties()).containsEntry("security.protocol", "SSL")
                .containsEntry("ssl.keystore.location", "/etc/maia/cli.p12")
                .containsEntry("ssl.truststore.location", "/etc/maia/ca.p12");
        // No protocol: TLS, so the stores are required.
        assertThatThrownBy(() -> load(REGIONS + "kafka_security: {truststore: /etc/maia/ca.p12}\n"))
                .isInstanceOf(TopologyException.class)
                .hasMessageContaining("keystore: required for TLS");

        Path file = dir.resolve("written.yaml");
        load(REGIONS).withKafkaSecurity(tls).withControl("c:9092").write(file);
        assertThat(Topology.load(file).requireKafkaSecurity()).isEqualTo(tls);
    }
}
