package dev.maia.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maia.schemas.http.Json;
import dev.maia.schemas.wal.WalTopics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 12: every placement change and migration step leaves an audit record (principal, action, before,
 * after) on the control cluster's {@code maia.audit}, without key material.
 */
class AuditTrailTest extends RegionsTest {
    @Test
    void aPlacementAndAMigrationAreRecordedWithTheirPrincipalsAndBeforeAndAfter() throws Exception {
        TestStack.Tenant t = TestStack.tenant();
        TestStack.place(t.id(), "global", "us-west");
        MaiaClient.Reply started = TestStack.admin("POST", "us-west", "/admin/tenants/" + t.id() + "/migration",
                Map.of("to_region", "eu-central"));
        assertThat(started.status()).as("%s", started.body()).isEqualTo(202);
        TestStack.awaitSwitched("eu-central", t.id());

        List<JsonNode> records = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            records.clear();
            records.addAll(auditOf(t.id()));
            return records.size() >= 4;
        });
        assertThat(records).extracting(r -> r.get("action").asText())
                .containsExactly("placement.create", "migration.start", "migration.drained", "migration.switch");
        assertThat(records).extracting(r -> r.get("principal").asText())
                .containsExactly("admin", "admin", "region:us-west", "region:eu-central");
        JsonNode create = records.get(0);
        assertThat(create.get("before").isNull()).isTrue();
        assertThat(create.get("after").get("primary_region").asText()).isEqualTo("us-west");
        assertThat(create.get("region").asText()).isEqualTo("us-west");
        JsonNode switched = records.get(3);
        assertThat(switched.get("before").get("primary_region").asText()).isEqualTo("us-west");
        assertThat(switched.get("after").get("primary_region").asText()).isEqualTo("eu-central");
        assertThat(switched.get("after").get("epoch").asLong()).isGreaterThan(switched.get("before").get("epoch").asLong());
        for (JsonNode r : records) {
            assertThat(r.toString()).doesNotContain(TestStack.adminKey()).doesNotContain(t.key());
        }
    }

    /** The tenant's records on the control cluster's audit topic, in order. */
    private static List<JsonNode> auditOf(String tenant) throws Exception {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(TestStack.controlClient(), new StringDeserializer(), new StringDeserializer())) {
            TopicPartition tp = new TopicPartition(WalTopics.AUDIT, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            List<JsonNode> out = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (consumer.position(tp) < end && System.nanoTime() < deadline) {
                for (var r : consumer.poll(Duration.ofMillis(200))) {
                    if (tenant.equals(r.key())) {
                        out.add(Json.MAPPER.readTree(r.value()));
                    }
                }
            }
            return out;
        }
    }
}
