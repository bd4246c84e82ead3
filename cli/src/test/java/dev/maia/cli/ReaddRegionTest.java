package dev.maia.cli;

import dev.maia.schemas.wal.WalTopics;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 9, "a replica set changed from one region to another and back: the memories written before are
 * never readable there again": through real brokers and MirrorMaker, a region added (back) to a placement
 * receives the tenant's whole history, also after its copy was purged.
 */
class ReaddRegionTest extends RegionsTest {
    private static final String PRIMARY = "us-west";
    private static final String REPLICA = "eu-central";
    private static final String OTHER = "ap-tokyo";
    /** The enforcer deletes a copy after ~10 s of quiet, checking every few seconds. */
    private static final Duration PURGE = Duration.ofSeconds(60);

    @Test
    void aRegionReaddedAfterItsCopyWasPurgedGetsTheWholeHistoryBack() throws Exception {
        TestStack.Tenant t = TestStack.tenant();
        TestStack.place(t.id(), "replicated", PRIMARY, REPLICA);
        List<String> before = TestStack.writeMemories(PRIMARY, t.key(), 20, "before");
        TestStack.awaitLive(REPLICA, t.id(), before);

        TestStack.place(t.id(), "replicated", PRIMARY, OTHER);
        String copy = PRIMARY + "." + WalTopics.wal(t.id());
        await().atMost(PURGE).pollInterval(Duration.ofMillis(500)).until(() ->
                !TestStack.topics(REPLICA).contains(copy) && before.stream().noneMatch(id -> TestStack.isLive(REPLICA, t.id(), id)));

        TestStack.place(t.id(), "replicated", PRIMARY, REPLICA);
        List<String> all = new ArrayList<>(before);
        all.addAll(TestStack.writeMemories(PRIMARY, t.key(), 5, "after"));

        TestStack.awaitLive(REPLICA, t.id(), all);
        assertThat(client.send("GET", url(REPLICA, "/v1/memories/" + before.get(0)), t.key(), null).status())
                .as("the first memory, written before the purge, read in %s", REPLICA).isEqualTo(200);
    }

    @Test
    void aBrandNewReplicaOfATenantWithHistoryGetsAllOfIt() throws Exception {
        TestStack.Tenant t = TestStack.tenant();
        TestStack.place(t.id(), "single", PRIMARY);
        List<String> history = TestStack.writeMemories(PRIMARY, t.key(), 10, "history");
        TestStack.awaitLive(PRIMARY, t.id(), history);

        TestStack.place(t.id(), "replicated", PRIMARY, OTHER);

        TestStack.awaitLive(OTHER, t.id(), history);
    }
}
