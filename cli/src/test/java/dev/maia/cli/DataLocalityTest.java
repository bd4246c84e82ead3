package dev.maia.cli;

import dev.maia.schemas.position.PositionKey;
import dev.maia.schemas.avro.ResourceType;
import dev.maia.schemas.wal.WalTopics;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Placement decides where a tenant's data goes: single stays, replicated reaches its replicas, global reaches all. */
class DataLocalityTest extends RegionsTest {
    private static final List<String> REGIONS = List.of("us-west", "eu-central", "ap-tokyo");

    /** No topic, no store entry, no applied position of the tenant in the region. */
    static void assertNoTrace(String region, String tenant, List<String> ids) throws Exception {
        assertThat(TestStack.topics(region)).as("topics of %s in %s", tenant, region).noneMatch(t -> t.contains(WalTopics.wal(tenant)));
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

        List<String> singleIds = TestStack.writeMemoryBatches("eu-central", single, 1000);
        List<String> replicatedIds = TestStack.writeMemoryBatches("us-west", replicated, 50);
        List<String> globalIds = TestStack.writeMemoryBatches("ap-tokyo", global, 50);

        TestStack.awaitLive("eu-central", single.id(), singleIds);
        for (String region : REGIONS) {
            TestStack.awaitLive(region, global.id(), globalIds);
        }
        TestStack.awaitLive("us-west", replicated.id(), replicatedIds);
        TestStack.awaitLive("eu-central", replicated.id(), replicatedIds);

        // MirrorMaker has had every chance (the global tenant, written last, arrived everywhere).
        assertNoTrace("us-west", single.id(), singleIds);
        assertNoTrace("ap-tokyo", single.id(), singleIds);
        assertNoTrace("ap-tokyo", replicated.id(), replicatedIds);
        assertThat(client.send("GET", url("ap-tokyo", "/v1/memories/" + replicatedIds.get(0)), replicated.key(), null)
                .status()).isEqualTo(404);
    }

    @Test
    void goingGlobalBackfillsTheWholeHistoryAndGoingSinglePurgesIt() throws Exception {
        TestStack.Tenant t = TestStack.tenant();
        TestStack.place(t.id(), "single", "us-west");
        List<String> history = TestStack.writeMemoryBatches("us-west", t, 300);
        TestStack.awaitLive("us-west", t.id(), history);

        TestStack.place(t.id(), "global", "us-west");
        for (String region : REGIONS) {
            TestStack.awaitLive(region, t.id(), history);
        }

        TestStack.place(t.id(), "single", "us-west");
        List<String> after = TestStack.writeMemoryBatches("us-west", t, 10);
        for (String region : List.of("eu-central", "ap-tokyo")) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                List<String> all = new ArrayList<>(history);
                all.addAll(after);
                assertNoTrace(region, t.id(), all);
            });
        }
        TestStack.awaitLive("us-west", t.id(), after);
        assertThat(client.send("GET", url("us-west", "/v1/memories/" + history.get(0)), t.key(), null).status())
                .as("the primary keeps everything").isEqualTo(200);
    }
}
