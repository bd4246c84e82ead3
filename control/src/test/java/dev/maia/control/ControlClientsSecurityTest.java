package dev.maia.control;

import dev.maia.control.log.ControlProducer;
import dev.maia.control.placement.PlacementView;
import dev.maia.control.position.PositionsReader;
import dev.maia.control.position.PositionsView;
import dev.maia.control.tenant.TenantView;
import dev.maia.control.tenant.UsageLog;
import dev.maia.schemas.topology.KafkaSecurity;
import org.apache.kafka.common.KafkaException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.function.ThrowingSupplier;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A region's clients of the control cluster (and its positions view) connect with its certificate: given
 * a keystore Kafka cannot load, each refuses to be built, naming that keystore. No broker is needed: a
 * Kafka client loads its stores when it is made.
 */
class ControlClientsSecurityTest {
    @TempDir
    Path dir;

    private KafkaSecurity unreadableCertificate() throws IOException {
        Path keystore = Files.writeString(dir.resolve("us-west.p12"), "not a PKCS12 file");
        Path truststore = Files.writeString(dir.resolve("ca.p12"), "not a PKCS12 file");
        return KafkaSecurity.tls(keystore, "pw", truststore, "pw");
    }

    private static List<ThrowingSupplier<AutoCloseable>> clients(KafkaSecurity security) {
        String control = "127.0.0.1:1";
        return List.of(
                () -> ControlProducer.create(control, security, "maia-control-us-west", Duration.ofSeconds(2))::close,
                () -> new PlacementView(control, security, "us-west"),
                () -> new TenantView(control, security, "us-west"),
                () -> new UsageLog(control, security, "us-west"),
                () -> new PositionsView(control, security, "us-west"));
    }

    @Test
    void everyControlClientCarriesTheRegionsCertificate() throws IOException {
        String keystore = dir.resolve("us-west.p12").toString();
        for (ThrowingSupplier<AutoCloseable> client : clients(unreadableCertificate())) {
            assertThatThrownBy(client::get).isInstanceOf(KafkaException.class).hasStackTraceContaining(keystore);
        }
        assertThatThrownBy(() -> PositionsReader.readAll("127.0.0.1:1", unreadableCertificate()))
                .isInstanceOf(KafkaException.class).hasStackTraceContaining(keystore);
        // PLAINTEXT said: the same clients are made (they connect only when started).
        for (ThrowingSupplier<AutoCloseable> client : clients(KafkaSecurity.plaintext())) {
            assertThatCode(() -> client.get().close()).doesNotThrowAnyException();
        }
    }
}
