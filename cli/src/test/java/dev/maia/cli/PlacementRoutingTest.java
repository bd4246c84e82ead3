package dev.maia.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maia.schemas.wal.WalTopics;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Placements are stored, replicated to every region, versioned, and enforced on every write. */
class PlacementRoutingTest extends RegionsTest {
    @Test
    void aPlacementSetInOneRegionIsSeenInEveryRegionWithTheSameEpoch() throws Exception {
        TestStack.Tenant t = TestStack.tenant();
        JsonNode set = TestStack.place(t.id(), "replicated", "us-west", "eu-central");
        assertThat(set.get("epoch").asLong()).isEqualTo(1);
        assertThat(set.get("replicas").get(0).asText()).isEqualTo("eu-central");

        await().atMost(Duration.ofSeconds(30)).until(() -> TestStack.placementIn("ap-tokyo", t.id()) != null);
        JsonNode seen = TestStack.placementIn("ap-tokyo", t.id());
        assertThat(seen.get("epoch").asLong()).isEqualTo(1);
        assertThat(seen.get("primary_region").asText()).isEqualTo("us-west");
        assertThat(seen.get("mode").asText()).isEqualTo("replicated");

        MaiaClient.Reply list = client.send("GET", url("eu-central", "/admin/placements"), TestStack.adminKey(), null);
        await().atMost(Duration.ofSeconds(30)).until(() -> client.send("GET", url("eu-central", "/admin/placements"), TestStack.adminKey(), null)
                .body().get("placements").findValuesAsText("tenant_id").contains(t.id()));
        assertThat(list.status()).isEqualTo(200);
    }

    /**
     * A fresh tenant's first writes used to create its log, wait for the leaders and fetch its metadata: 18 s on
     * the loaded compose stack, over the client's 30 s in CI. The primary creates it once the placement names it.
     */
    @Test
    void thePrimaryCreatesAPlacedTenantsLogBeforeItsFirstWrite() throws Exception {
        TestStack.Tenant t = TestStack.tenant();
        TestStack.place(t.id(), "replicated", "us-west", "eu-central");

        await("the log of " + t.id() + " in us-west").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> TestStack.topics("us-west").contains(WalTopics.wal(t.id())));
        assertThat(TestStack.readAll("us-west", WalTopics.wal(t.id()))).as("created, nothing written").isEmpty();
        assertThat(TestStack.topics("eu-central")).as("a replica does not write the tenant: it has no log of its own")
                .doesNotContain(WalTopics.wal(t.id()));
    }

    @Test
    void aWriteToARegionThatIsNotThePrimaryIsRedirectedAndNotAppended() throws Exception {
        TestStack.Tenant t = TestStack.tenant();
        TestStack.place(t.id(), "replicated", "us-west", "eu-central");
        await().atMost(Duration.ofSeconds(30)).until(() -> TestStack.placementIn("eu-central", t.id()) != null);

        MaiaClient.Reply r = client.send("POST", url("eu-central", "/v1/memories"), t.key(), "{\"namespace\":\"n\",\"content\":\"misrouted\"}");
        assertThat(r.status()).isEqualTo(307);
        assertThat(r.header("Location")).isEqualTo(url("us-west", "/v1/memories"));
        assertThat(r.header("X-MAIA-Primary-Region")).isEqualTo("us-west");
        assertThat(r.header("X-MAIA-Redirect-Reason")).isEqualTo("not-primary");
        assertThat(r.body().get("code").asText()).isEqualTo("NOT_PRIMARY");
        assertThat(TestStack.readAll("eu-central", WalTopics.wal(t.id()))).isEmpty();

        MaiaClient.Reply followed = client.send("POST", r.header("Location"), t.key(), "{\"namespace\":\"n\",\"content\":\"rerouted\"}");
        assertThat(followed.status()).isEqualTo(201);
        assertThat(followed.body().get("position").get("region").asText()).isEqualTo("us-west");
    }

    @Test
    void afterAPlacementChangeTheOldPrimaryRefusesWrites() throws Exception {
        TestStack.Tenant t = TestStack.tenant();
        TestStack.place(t.id(), "global", "us-west");
        assertThat(client.send("POST", url("us-west", "/v1/memories"), t.key(), "{\"namespace\":\"n\",\"content\":\"before\"}").status())
                .isEqualTo(201);

        MaiaClient.Reply moved = TestStack.postPlacement("us-west", t.id(),
                "{\"mode\":\"global\",\"primary_region\":\"eu-central\"}");
        // A move of the primary is a migration: accepted, then drained and switched by the regions.
        assertThat(moved.status()).isEqualTo(202);
        assertThat(moved.body().at("/migration/to_region").asText()).isEqualTo("eu-central");
        JsonNode switched = TestStack.awaitSwitched("us-west", t.id());
        assertThat(switched.get("primary_region").asText()).isEqualTo("eu-central");
        assertThat(switched.get("epoch").asLong()).as("migrating, drained, switched").isEqualTo(4);
        assertThat(switched.get("replicas").toString()).isEqualTo("[\"ap-tokyo\",\"us-west\"]");

        MaiaClient.Reply refused = client.send("POST", url("us-west", "/v1/memories"), t.key(), "{\"namespace\":\"n\",\"content\":\"after\"}");
        assertThat(refused.status()).isEqualTo(307);
        assertThat(refused.header("X-MAIA-Primary-Region")).isEqualTo("eu-central");

        await().atMost(Duration.ofSeconds(30)).until(() ->
                client.send("POST", url("eu-central", "/v1/memories"), t.key(), "{\"namespace\":\"n\",\"content\":\"after\"}").status() == 201);
        assertThat(TestStack.readAll("us-west", WalTopics.wal(t.id()))).as("the old primary appended nothing more").hasSize(1);
        assertThat(TestStack.readAll("eu-central", WalTopics.wal(t.id()))).hasSize(1);
    }

    @Test
    void aTenantWithoutAPlacementIsPlacedSingleWhereItFirstWrites() throws Exception {
        TestStack.Tenant t = TestStack.tenant();
        assertThat(client.send("POST", url("ap-tokyo", "/v1/memories"), t.key(), "{\"namespace\":\"n\",\"content\":\"first\"}").status())
                .isEqualTo(201);
        JsonNode p = TestStack.placementIn("ap-tokyo", t.id());
        assertThat(p.get("mode").asText()).isEqualTo("single");
        assertThat(p.get("primary_region").asText()).isEqualTo("ap-tokyo");
        assertThat(p.get("epoch").asLong()).isEqualTo(1);
        assertThat(p.get("replicas")).isEmpty();
    }

    @Test
    void invalidPlacementsAreRefusedByField() throws Exception {
        TestStack.Tenant t = TestStack.tenant();
        String[][] cases = {
                {"{\"mode\":\"single\",\"primary_region\":\"mars\"}", "primary_region"},
                {"{\"mode\":\"single\",\"primary_region\":\"us-west\",\"replicas\":[\"eu-central\"]}", "replicas"},
                {"{\"mode\":\"replicated\",\"primary_region\":\"us-west\",\"replicas\":[\"us-west\"]}", "replicas"},
                {"{\"mode\":\"replicated\",\"primary_region\":\"us-west\"}", "replicas"},
                {"{\"mode\":\"global\",\"primary_region\":\"us-west\",\"replicas\":[\"eu-central\"]}", "replicas"},
                {"{\"mode\":\"everywhere\",\"primary_region\":\"us-west\"}", "mode"},
                {"{\"mode\":\"single\"}", "primary_region"},
        };
        for (String[] c : cases) {
            MaiaClient.Reply r = TestStack.postPlacement("us-west", t.id(), c[0]);
            assertThat(r.status()).as(c[0]).isEqualTo(400);
            assertThat(r.body().get("details").get("field").asText()).as(c[0]).isEqualTo(c[1]);
        }
        assertThat(TestStack.getPlacement("us-west", t.id()).status()).isEqualTo(404);
        assertThat(TestStack.postPlacement("us-west", "bad%20id",
                "{\"mode\":\"single\",\"primary_region\":\"us-west\"}").status()).isEqualTo(400);
    }
}
