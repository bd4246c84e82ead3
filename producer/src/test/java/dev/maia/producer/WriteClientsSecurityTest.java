package dev.maia.producer;

import dev.maia.control.config.TopicReplication;
import dev.maia.schemas.topology.KafkaSecurity;
import dev.maia.schemas.wal.WalCodecs;
import org.apache.kafka.common.KafkaException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The write path's clients connect with the region's certificate: given a keystore Kafka cannot load,
 * each refuses to be built, naming that keystore (a client without the TLS settings would be built and
 * go to the brokers in clear). No broker is needed: a Kafka client loads its stores when it is made.
 */
class WriteClientsSecurityTest {
    @TempDir
    Path dir;

    private KafkaSecurity unreadableCertificate() throws IOException {
        Path keystore = Files.writeString(dir.resolve("us-west.p12"), "not a PKCS12 file");
        Path truststore = Files.writeString(dir.resolve("ca.p12"), "not a PKCS12 file");
        return KafkaSecurity.tls(keystore, "pw", truststore, "pw");
    }

    @Test
    void theWalProducerAndTheLastEntryReaderCarryTheRegionsCertificate() throws IOException {
        KafkaSecurity tls = unreadableCertificate();
        WalTopicProvisioner topics = new WalTopicProvisioner(null, 3, TopicReplication.CLUSTER_DEFAULTS);
        assertThatThrownBy(() -> new WalAppender("127.0.0.1:1", tls, "us-west", WalCodecs.forRegistry(Optional.empty()), topics))
                .isInstanceOf(KafkaException.class).hasStackTraceContaining(dir.resolve("us-west.p12").toString());
        assertThatThrownBy(() -> new LastEntries("127.0.0.1:1", tls))
                .isInstanceOf(KafkaException.class).hasStackTraceContaining(dir.resolve("us-west.p12").toString());

        // PLAINTEXT said: the same clients are made (they connect only when used).
        assertThatCode(() -> {
            new WalAppender("127.0.0.1:1", KafkaSecurity.plaintext(), "us-west", WalCodecs.forRegistry(Optional.empty()), topics).close();
            new LastEntries("127.0.0.1:1", KafkaSecurity.plaintext()).close();
        }).doesNotThrowAnyException();
    }
}
