package dev.maia.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** semi-sync and sync writes answer only once their replicas have them, or say clearly that they did not. */
class SyncModesTest extends RegionsTest {
    @Test
    void aSemiSyncWriteIsAnsweredOnlyAfterAReplicaHoldsIt() throws Exception {
        TestStack.Tenant t = TestStack.tenant();
        assertThat(TestStack.postPlacement("us-west", t.id(), "{\"mode\":\"replicated\",\"primary_region\":\"us-west\",\"replicas\":[\"eu-central\",\"ap-tokyo\"],"
                + "\"sync_mode\":\"semi-sync\",\"min_sync_replicas\":1}").status()).isEqualTo(200);
        for (int i = 0; i < 5; i++) {
            MaiaClient.Reply w = client.send("POST", url("us-west", "/v1/memories"), t.key(),
                    "{\"namespace\":\"n\",\"content\":\"semi " + i + "\"}");
            assertThat(w.status()).isEqualTo(201);
            JsonNode replication = w.body().get("replication");
            assertThat(replication.get("mode").asText()).isEqualTo("semi-sync");
            assertThat(replication.get("degraded").asBoolean()).isFalse();
            assertThat(replication.get("replicated_to")).isNotEmpty();
            String replica = replication.get("replicated_to").get(0).asText();
            // No position token, no waiting: the replica must already hold it.
            MaiaClient.Reply read = client.send("GET", url(replica, "/v1/memories/" + w.body().get("id").asText()), t.key(), null);
            assertThat(read.status()).as("read in %s right after the answer", replica).isEqualTo(200);
            assertThat(read.body().get("content").asText()).isEqualTo("semi " + i);
        }
    }

    @Test
    void aSyncWriteTimesOutWithoutMirrorMakerOrDegradesWhenConfiguredAndArrivesLater() throws Exception {
        TestStack.Tenant t = TestStack.tenant();
        assertThat(TestStack.postPlacement("us-west", t.id(), "{\"mode\":\"global\",\"primary_region\":\"us-west\",\"sync_mode\":\"sync\"}").status()).isEqualTo(200);
        MaiaClient.Reply warm = client.send("POST", url("us-west", "/v1/memories"), t.key(), "{\"namespace\":\"n\",\"content\":\"warm\"}");
        assertThat(warm.status()).isEqualTo(201);
        assertThat(warm.body().get("replication").get("replicated_to")).hasSize(2);

        RegionConfig original = nodes.config("us-west");
        TestStack.regions().stopMirror();
        String degradedId;
        try {
            MaiaClient.Reply timedOut = client.send("POST", url("us-west", "/v1/memories"), t.key(),
                    "{\"namespace\":\"n\",\"content\":\"timed out\"}");
            assertThat(timedOut.status()).isEqualTo(504);
            assertThat(timedOut.body().get("code").asText()).isEqualTo("REPLICATION_TIMEOUT");
            assertThat(timedOut.body().get("details").get("replicated_to")).isEmpty();
            assertThat(timedOut.body().get("details").get("position").get("region").asText()).isEqualTo("us-west");
            assertThat(nodes.node("us-west").registry().scrape()).contains("maia_sync_timeouts_total{mode=\"sync\",region=\"us-west\",tenant=\"" + t.id() + "\"} 1.0");

            nodes.stopRegion("us-west");
            nodes.startRegion("us-west", original.withOnSyncTimeout("degrade", 2000));
            MaiaClient.Reply degraded = client.send("POST", url("us-west", "/v1/memories"), t.key(),
                    "{\"namespace\":\"n\",\"content\":\"degraded\"}");
            assertThat(degraded.status()).isEqualTo(201);
            assertThat(degraded.body().get("replication").get("degraded").asBoolean()).isTrue();
            assertThat(nodes.node("us-west").registry().scrape())
                    .contains("maia_sync_degraded_total{mode=\"sync\",region=\"us-west\",tenant=\"" + t.id() + "\"} 1.0");
            degradedId = degraded.body().get("id").asText();
        } finally {
            TestStack.regions().startMirror();
            nodes.stopRegion("us-west");
            nodes.startRegion("us-west", original);
        }
        for (String region : new String[]{"eu-central", "ap-tokyo"}) {
            TestStack.awaitGet(region, "/v1/memories/" + degradedId, t.key(), 200);
            // The write that timed out was never undone: it arrives too, the third memory beside "warm" and "degraded".
            // (Not looked for in the mirrored log: the WAL lifecycle truncates a copy below what its region applied.)
            TestStack.awaitGet(region, "/v1/stats", t.key(), r -> r.status() == 200 && r.body().get("total_memories").asLong() == 3);
        }
    }

    @Test
    void syncSettingsAreCheckedAtPlacementTime() throws Exception {
        TestStack.Tenant t = TestStack.tenant();
        MaiaClient.Reply single = TestStack.postPlacement("us-west", t.id(), "{\"mode\":\"single\",\"primary_region\":\"us-west\",\"sync_mode\":\"semi-sync\"}");
        assertThat(single.status()).isEqualTo(400);
        assertThat(single.body().get("details").get("field").asText()).isEqualTo("sync_mode");
        MaiaClient.Reply tooMany = TestStack.postPlacement("us-west", t.id(), "{\"mode\":\"replicated\",\"primary_region\":\"us-west\",\"replicas\":[\"eu-central\"],"
                + "\"sync_mode\":\"semi-sync\",\"min_sync_replicas\":2}");
        assertThat(tooMany.status()).isEqualTo(400);
        assertThat(tooMany.body().get("details").get("field").asText()).isEqualTo("min_sync_replicas");
        MaiaClient.Reply unknown = TestStack.postPlacement("us-west", t.id(), "{\"mode\":\"global\",\"primary_region\":\"us-west\",\"sync_mode\":\"eventually\"}");
        assertThat(unknown.status()).isEqualTo(400);
    }
}
