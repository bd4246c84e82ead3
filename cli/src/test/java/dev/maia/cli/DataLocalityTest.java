package dev.maia.cli;

import dev.maia.schemas.position.PositionKey;
import dev.maia.schemas.avro.ResourceType;
import dev.maia.schemas.http.Json;
import dev.maia.schemas.wal.WalTopics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Placement decides where a tenant's data goes: single stays, replicated reaches its replicas, global reaches all. */
class DataLocalityTest {
    private static final List<String> REGIONS = List.of("us-west", "eu-central", "ap-tokyo");
    private static RegionNodes nodes;
    private final MaiaClient client = new MaiaClient();

    @BeforeAll
    static void stack() throws Exception {
        nodes = TestStack.nodes();
    }

    /** Writes n memories through the batch API of the tenant's primary; answers their ids. */
    private List<String> write(String region, TestStack.Tenant t, int n) throws Exception {
        List<String> ids = new ArrayList<>();
        for (int done = 0; done < n; done += 500) {
            List<Map<String, Object>> batch = new ArrayList<>();
            for (int i = done; i < Math.min(n, done + 500); i++) {
                batch.add(Map.of("namespace", "n", "content", "memory " + i + " of " + t.id()));
            }
            MaiaClient.Reply r = client.send("POST", nodes.node(region).endpoint() + "/v1/memories/batch", t.key(),
                    Json.write(Map.of("memories", batch)));
            assertThat(r.status()).as("%s", r.body()).isEqualTo(201);
            r.body().get("results").forEach(x -> ids.add(x.get("memory").get("id").asText()));
        }
        return ids;
    }

    private static void awaitHeld(String region, String tenant, List<String> ids) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).until(() -> ids.stream()
                .allMatch(id -> nodes.node(region).apply().currentState().live(tenant, ResourceType.memory, id).isPresent()));
    }

    static Set<String> topics(String region) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestStack.regions().bootstrapServers(region)))) {
            return admin.listTopics().names().get(10, TimeUnit.SECONDS);
        }
    }

    /** No topic, no store entry, no applied position of the tenant in the region. */
    static void assertNoTrace(String region, String tenant, List<String> ids) throws Exception {
        assertThat(topics(region)).as("topics of %s in %s", tenant, region).noneMatch(t -> t.contains(WalTopics.wal(tenant)));
        assertThat(ids).as("store of %s", region)
                .noneMatch(id -> nodes.node(region).apply().currentState().current(tenant, ResourceType.memory, id).isPresent());
        assertThat(nodes.node(region).apply().appliedOffsets().keySet()).extracting(PositionKey::tenant).doesNotContain(tenant);
    }

    @Test
    void eachPlacementModeReachesExactlyItsRegions() throws Exception {
        TestStack.Tenant single = TestStack.tenant();
        TestStack.Tenant replicated = TestStack.tenant();
        TestStack.Tenant global = TestStack.tenant();
        TestStack.place(single.id(), "single", "eu-central");
        TestStack.place(replicated.id(), "replicated", "us-west", "eu-central");
        TestStack.place(global.id(), "global", "ap-tokyo");

        List<String> singleIds = write("eu-central", single, 1000);
        List<String> replicatedIds = write("us-west", replicated, 50);
        List<String> globalIds = write("ap-tokyo", global, 50);

        awaitHeld("eu-central", single.id(), singleIds);
        for (String region : REGIONS) {
            awaitHeld(region, global.id(), globalIds);
        }
        awaitHeld("us-west", replicated.id(), replicatedIds);
        awaitHeld("eu-central", replicated.id(), replicatedIds);

        // MirrorMaker has had every chance (the global tenant, written last, arrived everywhere).
        assertNoTrace("us-west", single.id(), singleIds);
        assertNoTrace("ap-tokyo", single.id(), singleIds);
        assertNoTrace("ap-tokyo", replicated.id(), replicatedIds);
        assertThat(client.send("GET", nodes.node("ap-tokyo").endpoint() + "/v1/memories/" + replicatedIds.get(0), replicated.key(), null)
                .status()).isEqualTo(404);
    }

    @Test
    void goingGlobalBackfillsTheWholeHistoryAndGoingSinglePurgesIt() throws Exception {
        TestStack.Tenant t = TestStack.tenant();
        TestStack.place(t.id(), "single", "us-west");
        List<String> history = write("us-west", t, 300);
        awaitHeld("us-west", t.id(), history);

        TestStack.place(t.id(), "global", "us-west");
        for (String region : REGIONS) {
            awaitHeld(region, t.id(), history);
        }

        TestStack.place(t.id(), "single", "us-west");
        List<String> after = write("us-west", t, 10);
        for (String region : List.of("eu-central", "ap-tokyo")) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                List<String> all = new ArrayList<>(history);
                all.addAll(after);
                assertNoTrace(region, t.id(), all);
            });
        }
        awaitHeld("us-west", t.id(), after);
        assertThat(client.send("GET", nodes.node("us-west").endpoint() + "/v1/memories/" + history.get(0), t.key(), null).status())
                .as("the primary keeps everything").isEqualTo(200);
    }
}
