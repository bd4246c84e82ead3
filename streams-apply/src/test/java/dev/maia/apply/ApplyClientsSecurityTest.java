package dev.maia.apply;

import dev.maia.apply.locality.DataLocalityEnforcer;
import dev.maia.apply.position.PositionPublisher;
import dev.maia.apply.retention.WalTruncator;
import dev.maia.apply.usage.UsageReporter;
import dev.maia.schemas.topology.KafkaSecurity;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.common.KafkaException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The apply side's own clients (beside Streams, see ApplyStreamsPropertiesTest) connect with the region's
 * certificate: given a keystore Kafka cannot load, each refuses to be built, naming that keystore, before
 * it schedules any work. No broker is needed: a Kafka client loads its stores when it is made.
 */
class ApplyClientsSecurityTest {
    @TempDir
    Path dir;

    @Test
    void everyBackgroundClientCarriesTheRegionsCertificate() throws IOException {
        Path keystore = Files.writeString(dir.resolve("eu-central.p12"), "not a PKCS12 file");
        KafkaSecurity tls = KafkaSecurity.tls(keystore, "pw", Files.writeString(dir.resolve("ca.p12"), "not a PKCS12 file"), "pw");
        String kafka = "127.0.0.1:1";
        List<Executable> clients = List.of(
                () -> new PositionPublisher("eu-central", kafka, tls, null, 50),
                () -> new WalTruncator("eu-central", kafka, tls, "maia-apply-eu-central", t -> Optional.empty(),
                        (holder, origin, tenant, partition) -> -1, 1000, 1000, new SimpleMeterRegistry()),
                () -> new UsageReporter("eu-central", kafka, tls, null, Map::of, t -> false, u -> { }, 1000),
                () -> new DataLocalityEnforcer("eu-central", kafka, tls, Map::of, t -> false, null, null, 1000, 1000));
        for (Executable client : clients) {
            assertThatThrownBy(client::execute).isInstanceOf(KafkaException.class).hasStackTraceContaining(keystore.toString());
        }
    }
}
