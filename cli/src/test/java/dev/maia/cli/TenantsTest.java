package dev.maia.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maia.schemas.http.Json;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * MAIA's tenant admin API over real regions: tenants and keys are global facts of the control log, so a
 * change made in one region holds in every region within seconds.
 */
class TenantsTest extends RegionsTest {
    private static final Logger log = LoggerFactory.getLogger(TenantsTest.class);
    private static final List<String> REGIONS = List.of("us-west", "eu-central", "ap-tokyo");
    /** How long every region may take to read a change of the control log. */
    private static final Duration EVERY_REGION = Duration.ofSeconds(10);

    private static final String MEMORY = "{\"namespace\":\"n\",\"content\":\"hello\"}";

    @Test
    void aTenantCreatedInOneRegionWritesInItsPrimaryAndReadsInAReplicaWithAKeyIssuedThroughTheApi() throws Exception {
        String id = TestStack.newTenantId();
        JsonNode created = TestStack.createTenant("eu-central", id,
                Map.of("mode", "replicated", "primary_region", "us-west", "replicas", List.of("ap-tokyo")));
        assertThat(created.get("status").asText()).isEqualTo("active");
        assertThat(created.get("source").asText()).isEqualTo("control");
        assertThat(created.get("placement").get("primary_region").asText()).isEqualTo("us-west");
        String key = TestStack.issueKey("ap-tokyo", id);
        assertThat(key).startsWith("mk_");

        MaiaClient.Reply written = TestStack.awaitStatus("POST", "us-west", "/v1/memories", key, MEMORY, 201);
        String memory = written.body().get("id").asText();
        MaiaClient.Reply read = TestStack.awaitGet("ap-tokyo", "/v1/memories/" + memory, key, 200);
        assertThat(read.body().get("content").asText()).isEqualTo("hello");

        JsonNode listed = TestStack.admin("GET", "us-west", "/admin/tenants/" + id + "/apikeys", null).body();
        assertThat(listed.get("count").asInt()).isEqualTo(1);
        assertThat(listed.get("data").get(0).get("key").asText()).as("only the hash is listed").hasSize(64).isNotEqualTo(key);
        assertThat(Json.write(listed)).doesNotContain(key);
    }

    @Test
    void suspendingInOneRegionRefusesTheTenantInEveryRegionAndActivatingRestoresIt() throws Exception {
        String id = TestStack.newTenantId();
        TestStack.createTenant("us-west", id, Map.of("mode", "global", "primary_region", "us-west"));
        String key = TestStack.issueKey("us-west", id);
        TestStack.awaitStatus("POST", "us-west", "/v1/memories", key, MEMORY, 201);

        long start = System.nanoTime();
        MaiaClient.Reply suspended = TestStack.admin("POST", "ap-tokyo", "/admin/tenants/" + id + "/suspend", null);
        assertThat(suspended.status()).isEqualTo(200);
        assertThat(suspended.body().get("status").asText()).isEqualTo("suspended");
        for (String region : REGIONS) {
            await().atMost(EVERY_REGION).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
                MaiaClient.Reply r = client.send("POST", url(region, "/v1/memories"), key, MEMORY);
                assertThat(r.status()).as("a write in %s", region).isEqualTo(403);
                assertThat(r.body().get("code").asText()).isEqualTo("TENANT_SUSPENDED");
            });
        }
        log.info("suspension in ap-tokyo refused writes in every region {} ms after the request", (System.nanoTime() - start) / 1_000_000);
        for (String region : REGIONS) {
            MaiaClient.Reply read = client.send("GET", url(region, "/v1/namespaces"), key, null);
            assertThat(read.status()).as("a read in %s", region).isEqualTo(403);
            assertThat(read.body().get("code").asText()).isEqualTo("TENANT_SUSPENDED");
        }
        assertThat(TestStack.admin("GET", "eu-central", "/admin/tenants/" + id, null).body().get("status").asText())
                .isEqualTo("suspended");

        assertThat(TestStack.admin("POST", "eu-central", "/admin/tenants/" + id + "/activate", null).status()).isEqualTo(200);
        TestStack.awaitStatus("POST", "us-west", "/v1/memories", key, MEMORY, 201);
    }

    @Test
    void aRevokedKeyGets401InEveryRegionWhileTheTenantsOtherKeyWorks() throws Exception {
        String id = TestStack.newTenantId();
        TestStack.createTenant("ap-tokyo", id, Map.of("mode", "global", "primary_region", "ap-tokyo"));
        String revoked = TestStack.issueKey("ap-tokyo", id);
        String kept = TestStack.issueKey("eu-central", id);
        for (String region : REGIONS) {
            TestStack.awaitGet(region, "/v1/memories/none", revoked, r -> r.status() != 401);
        }

        long start = System.nanoTime();
        MaiaClient.Reply r = TestStack.admin("DELETE", "us-west", "/admin/apikeys/" + revoked, null);
        assertThat(r.status()).as("%s", r.body()).isEqualTo(200);
        assertThat(r.body().get("revoked").asBoolean()).isTrue();
        for (String region : REGIONS) {
            await().atMost(EVERY_REGION).pollInterval(Duration.ofMillis(100)).until(() ->
                    client.send("GET", url(region, "/v1/memories/none"), revoked, null).status() == 401);
            assertThat(client.send("GET", url(region, "/v1/memories/none"), kept, null).status()).isNotEqualTo(401);
        }
        log.info("revocation in us-west held in every region {} ms after the request", (System.nanoTime() - start) / 1_000_000);
        JsonNode keys = TestStack.admin("GET", "ap-tokyo", "/admin/tenants/" + id + "/apikeys", null).body();
        assertThat(keys.get("total").asInt()).isEqualTo(2);
        List<JsonNode> revokedAt = keys.get("data").findValues("revoked_at");
        assertThat(revokedAt).filteredOn(JsonNode::isTextual).hasSize(1);
    }

    @Test
    void aDeletedTenantsDataIsGoneInEveryRegion() throws Exception {
        String id = TestStack.newTenantId();
        TestStack.createTenant("us-west", id, Map.of("mode", "global", "primary_region", "eu-central"));
        String key = TestStack.issueKey("us-west", id);
        TestStack.awaitStatus("POST", "eu-central", "/v1/memories", key, MEMORY, 201);
        List<String> ids = new ArrayList<>(TestStack.writeMemories("eu-central", key, 19, "doomed"));
        for (String region : REGIONS) {
            TestStack.awaitLive(region, id, ids);
        }
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            JsonNode usage = TestStack.admin("GET", "ap-tokyo", "/admin/tenants/" + id + "/usage", null).body();
            assertThat(usage.get("regions")).hasSize(3);
            usage.get("regions").forEach(u -> assertThat(u.get("memories").asInt()).as("%s", u).isEqualTo(20));
        });

        long start = System.nanoTime();
        MaiaClient.Reply deleted = TestStack.admin("DELETE", "us-west", "/admin/tenants/" + id + "?wait_ms=90000", null);
        log.info("DELETE of a global tenant answered {} after {} ms", deleted.status(), (System.nanoTime() - start) / 1_000_000);
        assertThat(deleted.status()).as("%s", deleted.body()).isEqualTo(200);
        assertThat(deleted.body().get("regions").size()).isEqualTo(3);

        for (String region : REGIONS) {
            DataLocalityTest.assertNoTrace(region, id, ids);
            assertThat(client.send("GET", url(region, "/v1/memories/" + ids.get(0)), key, null).status())
                    .as("reads in %s", region).isEqualTo(401);
        }
        JsonNode usage = TestStack.admin("GET", "eu-central", "/admin/tenants/" + id + "/usage", null).body();
        usage.get("regions").forEach(u -> {
            assertThat(u.get("memories").asInt()).isZero();
            assertThat(u.get("topics").asInt()).isZero();
        });
        MaiaClient.Reply again = TestStack.admin("POST", "ap-tokyo", "/admin/tenants", Map.of("id", id, "name", "again"));
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.body().get("details").get("status").asText()).isEqualTo("deleted");
    }

    @Test
    void ofThreeConcurrentCreatesOfOneIdInThreeRegionsOneIsCreated() throws Exception {
        String id = TestStack.newTenantId();
        List<MaiaClient.Reply> replies = AtOnce.run(REGIONS.stream().<Callable<MaiaClient.Reply>>map(region -> () ->
                TestStack.admin("POST", region, "/admin/tenants", Map.of("id", id, "name", "created in " + region))).toList());
        String winner = oneWinner(replies, 201, "ALREADY_EXISTS");
        for (String region : REGIONS) {
            TestStack.awaitGet(region, "/admin/tenants/" + id, TestStack.adminKey(),
                    r -> r.status() == 200 && r.body().get("name").asText().equals(winner) && r.body().get("epoch").asLong() == 1);
        }
    }

    @Test
    void ofTwoConcurrentUpdatesOfOneTenantInTwoRegionsOneWins() throws Exception {
        String id = TestStack.newTenantId();
        TestStack.createTenant("eu-central", id, null);
        for (String region : List.of("us-west", "ap-tokyo")) {
            TestStack.awaitGet(region, "/admin/tenants/" + id, TestStack.adminKey(), 200);
        }
        List<MaiaClient.Reply> replies = AtOnce.run(List.of("us-west", "ap-tokyo").stream().<Callable<MaiaClient.Reply>>map(region -> () ->
                TestStack.admin("PUT", region, "/admin/tenants/" + id, Map.of("name", "named in " + region, "expected_epoch", 1))).toList());
        String winner = oneWinner(replies, 200, "TENANT_CONFLICT");
        for (String region : REGIONS) {
            TestStack.awaitGet(region, "/admin/tenants/" + id, TestStack.adminKey(),
                    r -> r.status() == 200 && r.body().get("name").asText().equals(winner) && r.body().get("epoch").asLong() == 2);
        }
    }

    /** Exactly one reply is {@code won}, every other 409 {@code lostCode}; answers the winner's name. */
    private static String oneWinner(List<MaiaClient.Reply> replies, int won, String lostCode) {
        List<Integer> statuses = new ArrayList<>();
        String winner = null;
        for (MaiaClient.Reply r : replies) {
            statuses.add(r.status());
            if (r.status() == won) {
                winner = r.body().get("name").asText();
            } else {
                assertThat(r.body().get("code").asText()).isEqualTo(lostCode);
            }
        }
        List<Integer> expected = new ArrayList<>(List.of(won));
        while (expected.size() < replies.size()) {
            expected.add(409);
        }
        assertThat(statuses).containsExactlyInAnyOrderElementsOf(expected);
        return winner;
    }

    @Test
    void badInputIsRefusedWith400NamingTheFieldAndCreatesNothing() throws Exception {
        String id = TestStack.newTenantId();
        MaiaClient.Reply unknownRegion = TestStack.admin("POST", "us-west", "/admin/tenants",
                Map.of("id", id, "name", "x", "placement", Map.of("mode", "single", "primary_region", "mars")));
        assertThat(unknownRegion.status()).isEqualTo(400);
        assertThat(unknownRegion.body().get("details").get("field").asText()).isEqualTo("placement.primary_region");
        MaiaClient.Reply badId = TestStack.admin("POST", "us-west", "/admin/tenants", Map.of("id", "no spaces!", "name", "x"));
        assertThat(badId.status()).isEqualTo(400);
        assertThat(badId.body().get("details").get("field").asText()).isEqualTo("id");
        MaiaClient.Reply emptyName = TestStack.admin("POST", "us-west", "/admin/tenants", Map.of("id", id, "name", ""));
        assertThat(emptyName.status()).isEqualTo(400);
        assertThat(emptyName.body().get("details").get("field").asText()).isEqualTo("name");
        MaiaClient.Reply badLimit = TestStack.admin("GET", "us-west", "/admin/tenants?limit=0", null);
        assertThat(badLimit.status()).isEqualTo(400);
        assertThat(badLimit.body().get("details").get("field").asText()).isEqualTo("limit");

        assertThat(TestStack.admin("GET", "us-west", "/admin/tenants/" + id, null).status()).isEqualTo(404);
        assertThat(TestStack.getPlacement("us-west", id).status()).isEqualTo(404);
    }

    @Test
    void aFileConfiguredTenantStillWorksAndIsListed() throws Exception {
        TestStack.Tenant t = TestStack.tenant();
        TestStack.writeMemories("us-west", t.key(), 1, "file key");
        JsonNode page = TestStack.admin("GET", "eu-central", "/admin/tenants?limit=1000", null).body();
        assertThat(page.get("count").asInt()).isEqualTo(page.get("data").size());
        JsonNode listed = null;
        for (JsonNode tenant : page.get("data")) {
            if (tenant.get("id").asText().equals(t.id())) {
                listed = tenant;
            }
        }
        assertThat(listed).as("%s in %s", t.id(), page).isNotNull();
        assertThat(listed.get("source").asText()).isEqualTo("config");
        assertThat(listed.get("status").asText()).isEqualTo("active");
        JsonNode paged = TestStack.admin("GET", "eu-central", "/admin/tenants?limit=1&offset=1", null).body();
        assertThat(paged.get("count").asInt()).isEqualTo(1);
        assertThat(paged.get("limit").asInt()).isEqualTo(1);
        assertThat(paged.get("offset").asInt()).isEqualTo(1);
        assertThat(paged.get("total").asInt()).isEqualTo(page.get("total").asInt());
    }
}
