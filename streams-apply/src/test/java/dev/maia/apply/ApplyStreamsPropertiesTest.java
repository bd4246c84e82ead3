package dev.maia.apply;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** The apply settings reach Kafka Streams and its consumer; Streams' own commit timer stays out of the way. */
class ApplyStreamsPropertiesTest {
    @Test
    void theApplySettingsAreTheConsumersAndCommitsAreLeftToTheProcessor() {
        ApplyConfig config = new ApplyConfig(Map.of(ApplyConfig.REGION, "eu-central", ApplyConfig.BOOTSTRAP_SERVERS, "localhost:9092",
                ApplyConfig.KAFKA_SECURITY_PROTOCOL, "PLAINTEXT",
                ApplyConfig.WORK_DIR, "/tmp/maia", ApplyConfig.APPLY_COMMIT_INTERVAL_MS, 250, ApplyConfig.APPLY_MAX_POLL_RECORDS, 500,
                ApplyConfig.APPLY_FETCH_MAX_WAIT_MS, 20, ApplyConfig.APPLY_FETCH_MIN_BYTES, 4096, ApplyConfig.APPLY_STREAM_THREADS, 2));

        Properties p = ApplyStreams.streamsProperties(config);

        assertThat(config.commitIntervalMs()).isEqualTo(250);
        assertThat(p.get(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG))).isEqualTo(500);
        assertThat(p.get(StreamsConfig.consumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG))).isEqualTo(20);
        assertThat(p.get(StreamsConfig.consumerPrefix(ConsumerConfig.FETCH_MIN_BYTES_CONFIG))).isEqualTo(4096);
        assertThat(p.get(StreamsConfig.NUM_STREAM_THREADS_CONFIG)).isEqualTo(2);
        // A commit on Streams' own timer could put a committed offset ahead of the positions in the store.
        assertThat((long) p.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)).isGreaterThan(1_000L * 3600);
    }

    @TempDir
    Path dir;

    /** Every client Streams makes (main and restore consumers, producer, admin) connects with the region's certificate. */
    @Test
    void everyStreamsClientCarriesTheRegionsCertificate() throws IOException {
        Path keystore = Files.writeString(dir.resolve("eu-central.p12"), "k");
        Path truststore = Files.writeString(dir.resolve("ca.p12"), "t");
        ApplyConfig config = new ApplyConfig(Map.of(ApplyConfig.REGION, "eu-central", ApplyConfig.BOOTSTRAP_SERVERS, "localhost:9092",
                ApplyConfig.WORK_DIR, dir.toString(), ApplyConfig.KAFKA_SSL_KEYSTORE, keystore.toString(),
                ApplyConfig.KAFKA_SSL_KEYSTORE_PASSWORD, "ks-secret", ApplyConfig.KAFKA_SSL_TRUSTSTORE, truststore.toString(),
                ApplyConfig.KAFKA_SSL_TRUSTSTORE_PASSWORD, "ts-secret"));

        StreamsConfig streams = new StreamsConfig(ApplyStreams.streamsProperties(config));

        List<Map<String, Object>> clients = List.of(streams.getMainConsumerConfigs("g", "c", 0),
                streams.getRestoreConsumerConfigs("c"), streams.getGlobalConsumerConfigs("c"), streams.getProducerConfigs("c"),
                streams.getAdminConfigs("c"));
        for (Map<String, Object> client : clients) {
            assertThat(client)
                    .containsEntry(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SSL")
                    .containsEntry(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG, keystore.toString())
                    .containsEntry(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, truststore.toString())
                    .containsKey(SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG);
        }
    }
}
