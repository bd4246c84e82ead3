package dev.maia.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maia.schemas.http.Json;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import static org.assertj.core.api.Assertions.assertThat;
import java.time.Duration;
import org.awaitility.Awaitility;

/**
 * Issue 9, "two concurrent placement changes in two regions both answer 200 with the same epoch; one
 * silently loses": through the real control cluster (a node per region, the log replicated on all three),
 * changes made at once from every region are ordered by the one control log, exactly one takes effect,
 * the others answer 409 with the placement that did, and every region ends with the same placement.
 */
class PlacementConsensusTest extends RegionsTest {
    private static final List<String> REGIONS = List.of("us-west", "eu-central", "ap-tokyo");

    @Test
    void changesMadeAtOnceFromThreeRegionsHaveOneWinnerAndEveryRegionEndsWithIt() throws Exception {
        TestStack.Tenant t = TestStack.tenant();
        TestStack.place(t.id(), "single", "us-west");

        // Each region makes itself the tenant's replica (us-west: no replica), all on epoch 1: named, so that
        // a change arriving after another took effect is a conflict, not a change of epoch 2.
        List<MaiaClient.Reply> replies = AtOnce.run(REGIONS.stream().<Callable<MaiaClient.Reply>>map(region -> () ->
                TestStack.postPlacement(region, t.id(), Json.write(region.equals("us-west")
                        ? Map.of("mode", "single", "primary_region", "us-west", "expected_epoch", 1)
                        : Map.of("mode", "replicated", "primary_region", "us-west", "replicas", List.of(region), "expected_epoch", 1)))).toList());

        List<Integer> statuses = replies.stream().map(MaiaClient.Reply::status).toList();
        assertThat(statuses).as("answers to three changes of epoch 1").containsOnly(200, 409);
        assertThat(statuses).filteredOn(s -> s == 200).hasSize(1);
        JsonNode winner = replies.get(statuses.indexOf(200)).body();
        assertThat(winner.get("epoch").asLong()).isEqualTo(2);
        for (MaiaClient.Reply r : replies) {
            if (r.status() == 409) {
                assertThat(r.body().get("code").asText()).isEqualTo("PLACEMENT_CONFLICT");
                assertThat(r.body().at("/details/current/replicas"))
                        .as("the loser is told the placement in effect").isEqualTo(winner.get("replicas"));
                assertThat(r.body().at("/details/current/epoch").asLong()).isEqualTo(2);
            }
        }
        // The winner's answer came after it was read back as applied; every region reads the same log.
        for (String region : REGIONS) {
            Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                JsonNode p = TestStack.placementIn(region, t.id());
                assertThat(p).as("placement in %s", region).isNotNull();
                assertThat(p.get("epoch").asLong()).isEqualTo(2);
                assertThat(p.get("replicas")).isEqualTo(winner.get("replicas"));
            });
        }
    }

    @Test
    void aChangeNamingAnEpochThatIsNoLongerInEffectIs409AndChangesNothing() throws Exception {
        TestStack.Tenant t = TestStack.tenant();
        TestStack.place(t.id(), "single", "us-west");
        TestStack.place(t.id(), "replicated", "us-west", "eu-central");

        MaiaClient.Reply stale = TestStack.postPlacement("ap-tokyo", t.id(),
                Json.write(Map.of("mode", "single", "primary_region", "ap-tokyo", "expected_epoch", 1)));

        assertThat(stale.status()).isEqualTo(409);
        assertThat(stale.body().get("code").asText()).isEqualTo("PLACEMENT_CONFLICT");
        assertThat(stale.body().at("/details/current/epoch").asLong()).isEqualTo(2);
        assertThat(TestStack.placementIn("ap-tokyo", t.id()).get("primary_region").asText()).isEqualTo("us-west");
        MaiaClient.Reply bad = TestStack.postPlacement("ap-tokyo", t.id(),
                Json.write(Map.of("mode", "single", "primary_region", "ap-tokyo", "expected_epoch", "two")));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body().at("/details/field").asText()).isEqualTo("expected_epoch");
    }

    @Test
    void firstWritesOfANewTenantInTwoRegionsAtOncePlaceItOnceAndTheOtherIsRedirected() throws Exception {
        TestStack.Tenant t = TestStack.tenant();
        String body = Json.write(Map.of("content", "first", "namespace", "default"));

        List<MaiaClient.Reply> replies = AtOnce.run(List.of("us-west", "eu-central").stream().<Callable<MaiaClient.Reply>>map(region -> () ->
                client.send("POST", url(region, "/v1/memories"), t.key(), body)).toList());

        List<Integer> statuses = replies.stream().map(MaiaClient.Reply::status).toList();
        JsonNode placement = TestStack.placementIn("ap-tokyo", t.id());
        assertThat(placement.get("epoch").asLong()).isEqualTo(1);
        String primary = placement.get("primary_region").asText();
        // The region whose default placement took effect created the memory; the other lost the race for
        // epoch 1 and redirected its write there: never two primaries.
        assertThat(statuses).contains(201);
        for (int i = 0; i < 2; i++) {
            String region = List.of("us-west", "eu-central").get(i);
            if (!region.equals(primary)) {
                assertThat(statuses.get(i)).as("the write in %s, not the primary %s", region, primary).isEqualTo(307);
                assertThat(replies.get(i).header("Location")).startsWith(nodes.node(primary).endpoint());
            }
        }
    }
}
