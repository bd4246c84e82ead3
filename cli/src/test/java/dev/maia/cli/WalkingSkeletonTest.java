package dev.maia.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maia.schemas.wal.WalTopics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The pipe end to end, through real KRaft brokers and a real MirrorMaker 2. */
class WalkingSkeletonTest extends RegionsTest {
    private static JsonNode awaitMemory(String region, String key, String id, String content) {
        return TestStack.awaitGet(region, "/v1/memories/" + id, key,
                r -> r.status() == 200 && r.body().get("content").asText().equals(content)).body();
    }

    @Test
    void aMemoryWrittenInUsWestIsReadInEuCentralAndTheSecondWriteWinsEverywhere() throws Exception {
        TestStack.Tenant t = TestStack.tenant();
        String tenant = t.id();
        TestStack.place(tenant, "global", "us-west");
        MaiaClient.Reply created = client.send("POST", url("us-west", "/v1/memories"), t.key(),
                "{\"namespace\":\"agents/alpha\",\"content\":\"first\",\"tags\":[\"x\"],\"metadata\":{\"k\":{\"deep\":[1,2]}}}");
        assertThat(created.status()).isEqualTo(201);
        String id = created.body().get("id").asText();
        assertThat(created.body().get("position").get("region").asText()).isEqualTo("us-west");
        assertThat(created.body().get("position").get("offset").asLong()).isGreaterThanOrEqualTo(0);

        JsonNode inEu = awaitMemory("eu-central", t.key(), id, "first");
        assertThat(inEu.get("namespace").asText()).isEqualTo("agents/alpha");
        assertThat(inEu.get("type").asText()).isEqualTo("semantic");
        assertThat(inEu.get("metadata").get("k").get("deep").get(1).asInt()).isEqualTo(2);
        assertThat(inEu.get("tags").get(0).asText()).isEqualTo("x");

        awaitMemory("us-west", t.key(), id, "first");
        MaiaClient.Reply updated = client.send("PUT", url("us-west", "/v1/memories/" + id), t.key(), "{\"content\":\"second\"}");
        assertThat(updated.status()).isEqualTo(200);
        assertThat(updated.body().get("tags").get(0).asText()).as("PUT changes only the fields given").isEqualTo("x");

        for (String region : List.of("us-west", "eu-central", "ap-tokyo")) {
            JsonNode m = awaitMemory(region, t.key(), id, "second");
            assertThat(m.get("created_at").asText()).isEqualTo(created.body().get("created_at").asText());
        }
    }

    @Test
    void badRequestsAnswer400AndAppendNothing() throws Exception {
        TestStack.Tenant t = TestStack.tenant();
        String tenant = t.id();
        MaiaClient.Reply ok = client.send("POST", url("us-west", "/v1/memories"), t.key(), "{\"namespace\":\"n\",\"content\":\"ok\"}");
        assertThat(ok.status()).isEqualTo(201);

        Map<String, String> bodies = Map.of(
                "{not json", "body",
                "{\"namespace\":\"n\"}", "content",
                "{\"content\":\"c\"}", "namespace",
                "{\"namespace\":\"n\",\"content\":\"c\",\"type\":\"dream\"}", "type",
                "{\"namespace\":\"n\",\"content\":\"c\",\"confidence\":2}", "confidence",
                "[1,2]", "body");
        for (var e : bodies.entrySet()) {
            MaiaClient.Reply r = client.send("POST", url("us-west", "/v1/memories"), t.key(), e.getKey());
            assertThat(r.status()).as(e.getKey()).isEqualTo(400);
            assertThat(r.body().get("code").asText()).isEqualTo("INVALID_INPUT");
            assertThat(r.body().get("error").asText()).isNotBlank();
            assertThat(r.body().get("details").get("field").asText()).as(e.getKey()).isEqualTo(e.getValue());
        }
        MaiaClient.Reply noKey = client.send("POST", url("us-west", "/v1/memories"), null, "{\"namespace\":\"n\",\"content\":\"c\"}");
        assertThat(noKey.status()).isEqualTo(401);
        assertThat(noKey.body().get("code").asText()).isEqualTo("UNAUTHORIZED");
        MaiaClient.Reply missing = client.send("GET", url("us-west", "/v1/memories/01NOPE"), t.key(), null);
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.body().get("code").asText()).isEqualTo("NOT_FOUND");
        MaiaClient.Reply updateMissing = client.send("PUT", url("us-west", "/v1/memories/01NOPE"), t.key(), "{\"content\":\"x\"}");
        assertThat(updateMissing.status()).isEqualTo(404);

        assertThat(TestStack.readAll("us-west", WalTopics.wal(tenant))).as("only the one good write is in the log").hasSize(1);
    }

    @Test
    void aCorruptedEntryLandsInTheDlqAndLaterEntriesStillApply() throws Exception {
        TestStack.Tenant t = TestStack.tenant();
        String tenant = t.id();
        TestStack.place(tenant, "global", "us-west");
        MaiaClient.Reply first = client.send("POST", url("us-west", "/v1/memories"), t.key(), "{\"namespace\":\"n\",\"content\":\"intact\"}");
        String goodId = first.body().get("id").asText();
        awaitMemory("eu-central", t.key(), goodId, "intact");

        // Take the real encoded entry, flip bits in its content, and put it on the log as a new version.
        ConsumerRecord<String, byte[]> original = TestStack.readAll("us-west", WalTopics.wal(tenant)).get(0);
        byte[] corrupt = original.value().clone();
        String text = new String(corrupt, StandardCharsets.ISO_8859_1);
        int at = text.indexOf("intact");
        corrupt[at] ^= 0x01; // "intact" -> "hntact": still decodable Avro, so only the checksum can tell
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(TestStack.kafkaClient("us-west"),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(WalTopics.wal(tenant), original.key(), corrupt)).get();
        }
        MaiaClient.Reply later = client.send("POST", url("us-west", "/v1/memories"), t.key(), "{\"namespace\":\"n\",\"content\":\"later\"}");
        String laterId = later.body().get("id").asText();

        for (String region : List.of("us-west", "eu-central")) {
            awaitMemory(region, t.key(), laterId, "later");
            assertThat(client.send("GET", url(region, "/v1/memories/" + goodId), t.key(), null).body().get("content").asText())
                    .isEqualTo("intact");
            await().atMost(Duration.ofSeconds(30)).until(() -> TestStack.readAll(region, WalTopics.DLQ).stream()
                    .anyMatch(r -> java.util.Arrays.equals(r.value(), corrupt)
                            && "checksum_mismatch".equals(new String(r.headers().lastHeader("maia.dlq.reason").value(), StandardCharsets.UTF_8))));
        }
        String metrics = nodes.node("eu-central").registry().scrape();
        assertThat(metrics).contains("maia_replication_errors_total{origin_region=\"us-west\",reason=\"checksum_mismatch\",region=\"eu-central\",tenant=\"" + tenant + "\"} 1.0");
    }
}
