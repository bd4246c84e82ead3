package dev.maia.cli;

import dev.maia.apply.ApplyConfig;
import dev.maia.schemas.http.Json;
import dev.maia.schemas.wal.WalTopics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.ConsumerGroupState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 12: one tenant could fill the shared store, and a full store stopped applying for every tenant.
 * With a per-tenant quota the tenant that fills its share is refused (507 at the write path, the DLQ at
 * the apply side) and another tenant of the same region keeps writing, applying and reading back.
 */
class TenantQuotaTest extends RegionsTest {
    private static final String REGION = "us-west";
    private static final long QUOTA = 8_000;
    private static RegionConfig original;

    @BeforeAll
    static void restartWithAQuota() throws Exception {
        original = nodes.config(REGION);
        nodes.stopRegion(REGION);
        nodes.startRegion(REGION, original.with(Map.of(ApplyConfig.STORE_TENANT_QUOTA_BYTES, QUOTA)));
    }

    /**
     * Back to the stack's configuration, and settled before the next test class: a stopped apply app stays a
     * member of its consumer group until its session expires, and a rebalance (a new tenant's log appearing)
     * waits for it until then, so the classes after this one would time out on their reads.
     */
    @AfterAll
    static void restartAsBefore() throws Exception {
        nodes.stopRegion(REGION);
        nodes.startRegion(REGION, original);
        String group = original.applyConfig().applicationId();
        try (Admin admin = TestStack.admin(REGION)) {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().until(() -> {
                ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).describedGroups().get(group)
                        .get(10, TimeUnit.SECONDS);
                return d.state() == ConsumerGroupState.STABLE && d.members().size() == original.applyConfig().streamThreads();
            });
        }
        TestStack.Tenant probe = TestStack.tenant();
        TestStack.place(probe.id(), "single", REGION);
        TestStack.awaitLive(REGION, probe.id(), TestStack.writeMemories(REGION, probe.key(), 1, "applying again"));
    }

    @Test
    void aTenantFillingItsQuotaGets507AndDoesNotStopAnotherTenant() throws Exception {
        TestStack.Tenant full = TestStack.tenant();
        TestStack.Tenant other = TestStack.tenant();
        TestStack.place(full.id(), "global", REGION);
        TestStack.place(other.id(), "global", REGION);

        // One batch admitted while under the quota, twice the quota in size: the apply side stores up to the
        // quota and dead-letters the rest, with its reason, instead of filling the store.
        List<Map<String, Object>> batch = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            batch.add(Map.of("namespace", "n", "content", i + " " + "y".repeat(1_500)));
        }
        MaiaClient.Reply accepted = client.send("POST", url(REGION, "/v1/memories/batch"), full.key(),
                Json.write(Map.of("memories", batch)));
        assertThat(accepted.status()).as("%s", accepted.body()).isEqualTo(201);
        // Up to a session timeout: the restarted apply app gets the new tenant's log once its old member is gone.
        await().atMost(Duration.ofSeconds(90)).until(() -> quotaDeadLetters(full.id()) > 0);

        // At its quota: the next write of that tenant is refused, nothing appended.
        MaiaClient.Reply refused = TestStack.awaitStatus("POST", REGION, "/v1/memories", full.key(),
                "{\"namespace\":\"n\",\"content\":\"one more\"}", 507);
        assertThat(refused.body().get("code").asText()).isEqualTo("QUOTA_EXCEEDED");
        assertThat(refused.body().get("error").asText()).contains(full.id()).contains("quota");

        // The other tenant of the same region and store writes, applies and reads back as ever.
        List<String> ids = TestStack.writeMemories(REGION, other.key(), 5, "unaffected");
        TestStack.awaitLive(REGION, other.id(), ids);
        for (String id : ids) {
            MaiaClient.Reply read = client.send("GET", url(REGION, "/v1/memories/" + id), other.key(), null);
            assertThat(read.status()).isEqualTo(200);
            assertThat(read.body().get("content").asText()).startsWith("unaffected");
        }

        // A delete still passes for the tenant at its quota: it is how the tenant gets under it.
        String first = accepted.body().get("results").get(0).get("memory").get("id").asText();
        assertThat(client.send("DELETE", url(REGION, "/v1/memories/" + first), full.key(), null).status()).isEqualTo(200);
    }

    private static long quotaDeadLetters(String tenant) {
        return TestStack.readAll(REGION, WalTopics.DLQ).stream()
                .filter(r -> r.topic().equals(WalTopics.DLQ) && reason(r).equals("quota_exceeded")
                        && new String(r.headers().lastHeader("maia.dlq.topic").value(), StandardCharsets.UTF_8).contains(tenant))
                .count();
    }

    private static String reason(ConsumerRecord<String, byte[]> r) {
        return new String(r.headers().lastHeader("maia.dlq.reason").value(), StandardCharsets.UTF_8);
    }
}
