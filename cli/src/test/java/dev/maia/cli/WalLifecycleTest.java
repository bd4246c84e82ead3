package dev.maia.cli;

import dev.maia.schemas.wal.WalTopics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 9, item 7, through real brokers, MirrorMaker and the regions' WAL truncators (every 5 s on the
 * local stack, margin 2 s): "retention never deletes an entry that some holding region has not applied;
 * the WAL is truncated below the lowest applied position of all holders; disk per tenant stays bounded".
 * The tests make Kafka's cleaner eager on their tenant's log (segments rolled every 200 ms, any dirt
 * cleanable), so that whatever the gate lets through is compacted within the test.
 */
class WalLifecycleTest extends RegionsTest {
    private static final String PRIMARY = "us-west";
    private static final String REPLICA = "eu-central";
    private static final String OTHER = "ap-tokyo";
    /** The cleaner wakes every 15 s when it has nothing to do (log.cleaner.backoff.ms), then gate and rounds. */
    private static final Duration CLEANED = Duration.ofSeconds(120);

    @Test
    void whyAHolderThatHasNotAppliedKeepsEveryEntryItLacksInTheLog() throws Exception {
        TestStack.Tenant t = TestStack.tenant();
        TestStack.place(t.id(), "replicated", PRIMARY, REPLICA);
        String id = TestStack.writeMemories(PRIMARY, t.key(), 1, "v").get(0);
        TestStack.awaitLive(REPLICA, t.id(), List.of(id));
        String log = WalTopics.wal(t.id());
        makeCleanerEager(PRIMARY, log);

        nodes.stopRegion(REPLICA);
        int updates = 40;
        long firstUpdate = System.currentTimeMillis();
        try {
            update(t, id, updates);
            // Long enough for the cleaner to have compacted the log twice over had the gate allowed it.
            Thread.sleep(40_000);
            assertThat(TestStack.readAll(PRIMARY, log)).as("entries of %s in %s while %s applied none of its updates", log, PRIMARY, REPLICA)
                    .hasSizeGreaterThanOrEqualTo(updates);
            assertThat(gateMs(PRIMARY, log)).as("the compaction gate covers the oldest update %s lacks", REPLICA)
                    .isGreaterThan(System.currentTimeMillis() - firstUpdate);
        } finally {
            nodes.startRegion(REPLICA);
        }

        TestStack.awaitGet(REPLICA, "/v1/memories/" + id, t.key(), r -> r.status() == 200
                && r.body().get("content").asText().equals("v " + updates));
        await().atMost(CLEANED).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(TestStack.readAll(PRIMARY, log)).as("entries of %s once every holder applied them", log)
                        .hasSizeLessThan(updates / 2));
    }

    @Test
    void underSteadyUpdatesOfAFewResourcesTheLogAndItsCopiesStayBoundedAndEveryRegionReadsTheLatest() throws Exception {
        TestStack.Tenant t = TestStack.tenant();
        TestStack.place(t.id(), "global", PRIMARY, REPLICA, OTHER);
        List<String> ids = TestStack.writeMemories(PRIMARY, t.key(), 3, "v");
        String log = WalTopics.wal(t.id());
        makeCleanerEager(PRIMARY, log);
        int rounds = 40;
        for (int i = 1; i <= rounds; i++) {
            for (String id : ids) {
                put(t, id, "v " + i);
            }
            Thread.sleep(50);
        }
        int written = ids.size() * (rounds + 1);

        for (String region : List.of(PRIMARY, REPLICA, OTHER)) {
            for (String id : ids) {
                TestStack.awaitGet(region, "/v1/memories/" + id, t.key(), r -> r.status() == 200
                        && r.body().get("content").asText().equals("v " + rounds));
            }
        }
        await().atMost(CLEANED).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(TestStack.readAll(PRIMARY, log)).as("entries left of the %d written to %s", written, log)
                        .hasSizeLessThan(written / 4));
        for (String region : List.of(REPLICA, OTHER)) {
            String copy = PRIMARY + "." + log;
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                Map<TopicPartition, long[]> ranges = ranges(region, copy);
                ranges.forEach((tp, r) -> {
                    if (r[1] > 0) {
                        assertThat(r[1] - r[0]).as("records left in %s of %s (start %d, end %d): applied ones are truncated, the last one stays",
                                tp, region, r[0], r[1]).isEqualTo(1);
                    }
                });
            });
            Config c = config(region, copy);
            assertThat(c.get(TopicConfig.RETENTION_MS_CONFIG).value()).as("a copy's time retention, as its origin's").isEqualTo("-1");
            assertThat(c.get(TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG).source()).as("a copy's compaction gate: its origin's, copied")
                    .isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
        }
    }

    @Test
    void aReplicaAddedAfterTheLogWasCompactedGetsTheLatestStateOfEveryResource() throws Exception {
        TestStack.Tenant t = TestStack.tenant();
        TestStack.place(t.id(), "single", PRIMARY);
        List<String> ids = TestStack.writeMemories(PRIMARY, t.key(), 3, "v");
        // A namespace and a memory with one id: two resources, which compaction must keep apart.
        String shared = "shared-" + t.id();
        assertThat(client.send("POST", url(PRIMARY, "/v1/namespaces"), t.key(), "{\"id\":\"" + shared + "\",\"name\":\"ns\"}").status()).isEqualTo(201);
        assertThat(client.send("POST", url(PRIMARY, "/v1/memories"), t.key(),
                "{\"id\":\"" + shared + "\",\"namespace\":\"n\",\"content\":\"m\"}").status()).isEqualTo(201);
        String log = WalTopics.wal(t.id());
        makeCleanerEager(PRIMARY, log);
        int rounds = 30;
        for (int i = 1; i <= rounds; i++) {
            for (String id : ids) {
                put(t, id, "v " + i);
            }
            Thread.sleep(50);
        }
        assertThat(client.send("DELETE", url(PRIMARY, "/v1/memories/" + ids.get(2)), t.key(), null).status()).isEqualTo(200);
        int written = ids.size() * (rounds + 1) + 3;
        await().atMost(CLEANED).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(TestStack.readAll(PRIMARY, log)).as("entries left of the %d written to %s", written, log)
                        .hasSizeLessThan(written / 4));

        TestStack.place(t.id(), "replicated", PRIMARY, OTHER);

        for (String id : ids.subList(0, 2)) {
            TestStack.awaitGet(OTHER, "/v1/memories/" + id, t.key(), r -> r.status() == 200
                    && r.body().get("content").asText().equals("v " + rounds));
        }
        TestStack.awaitGet(OTHER, "/v1/memories/" + shared, t.key(), 200);
        TestStack.awaitGet(OTHER, "/v1/namespaces/" + shared, t.key(), 200);
        assertThat(client.send("GET", url(OTHER, "/v1/memories/" + ids.get(2)), t.key(), null).status())
                .as("the deleted memory in %s", OTHER).isEqualTo(404);
    }

    @Test
    void aLogCreatedBeforeTheLifecycleIsBroughtToItByItsFirstWrite() throws Exception {
        TestStack.Tenant t = TestStack.tenant();
        String log = WalTopics.wal(t.id());
        try (Admin admin = TestStack.admin(PRIMARY)) {
            // As every tenant log was created before: Kafka's defaults, deleted after 7 days whoever applied it.
            admin.createTopics(List.of(new NewTopic(log, nodes.topology().walPartitions(), (short) 1))).all().get(10, TimeUnit.SECONDS);
        }
        TestStack.place(t.id(), "single", PRIMARY);
        TestStack.writeMemories(PRIMARY, t.key(), 1, "v");

        try (Admin admin = TestStack.admin(PRIMARY)) {
            ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, log);
            Config c = admin.describeConfigs(List.of(r)).all().get(10, TimeUnit.SECONDS).get(r);
            assertThat(c.get(TopicConfig.CLEANUP_POLICY_CONFIG).value()).isEqualTo("compact,delete");
            assertThat(c.get(TopicConfig.RETENTION_MS_CONFIG).value()).isEqualTo("-1");
            assertThat(c.get(TopicConfig.RETENTION_BYTES_CONFIG).value()).isEqualTo("-1");
            assertThat(c.get(TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG).source())
                    .as("the compaction gate: closed by the provisioner, or set by the truncator since, never the broker's 0")
                    .isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
        }
    }

    @Test
    void aLogCreatedBeforeTheLifecycleThatNoOneWritesIsBroughtToItByTheTruncator() throws Exception {
        TestStack.Tenant t = TestStack.tenant();
        String log = WalTopics.wal(t.id());
        try (Admin admin = TestStack.admin(PRIMARY)) {
            // A former primary's log, say: nothing appends to it any more, so no write provisions it.
            admin.createTopics(List.of(new NewTopic(log, nodes.topology().walPartitions(), (short) 1))).all().get(10, TimeUnit.SECONDS);
        }
        TestStack.place(t.id(), "single", PRIMARY);

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            Config c = config(PRIMARY, log);
            assertThat(c.get(TopicConfig.CLEANUP_POLICY_CONFIG).value()).isEqualTo("compact,delete");
            assertThat(c.get(TopicConfig.RETENTION_MS_CONFIG).value()).isEqualTo("-1");
            assertThat(c.get(TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG).source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
        });
    }

    /** {@code count} updates of one memory, content "v 1" to "v count", a little apart so that segments roll. */
    private void update(TestStack.Tenant t, String id, int count) throws Exception {
        for (int i = 1; i <= count; i++) {
            put(t, id, "v " + i);
            Thread.sleep(50);
        }
    }

    private void put(TestStack.Tenant t, String id, String content) throws Exception {
        MaiaClient.Reply r = client.send("PUT", url(PRIMARY, "/v1/memories/" + id), t.key(), "{\"content\":\"" + content + "\"}");
        assertThat(r.status()).as("%s", r.body()).isEqualTo(200);
    }

    /** Segments rolled every 200 ms and every bit of dirt worth cleaning: what the gate allows is compacted soon. */
    private static void makeCleanerEager(String region, String topic) throws Exception {
        try (Admin admin = TestStack.admin(region)) {
            ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            admin.incrementalAlterConfigs(Map.of(r, List.of(
                    new AlterConfigOp(new ConfigEntry(TopicConfig.SEGMENT_MS_CONFIG, "200"), AlterConfigOp.OpType.SET),
                    new AlterConfigOp(new ConfigEntry(TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, "0.01"), AlterConfigOp.OpType.SET))))
                    .all().get(10, TimeUnit.SECONDS);
        }
    }

    private static long gateMs(String region, String topic) throws Exception {
        return Long.parseLong(config(region, topic).get(TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG).value());
    }

    private static Config config(String region, String topic) throws Exception {
        try (Admin admin = TestStack.admin(region)) {
            ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            return admin.describeConfigs(List.of(r)).all().get(10, TimeUnit.SECONDS).get(r);
        }
    }

    /** Per partition of a topic: its log start and end offsets. */
    private static Map<TopicPartition, long[]> ranges(String region, String topic) throws Exception {
        try (Admin admin = TestStack.admin(region)) {
            TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic);
            Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            d.partitions().forEach(p -> {
                earliest.put(new TopicPartition(topic, p.partition()), OffsetSpec.earliest());
                latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest());
            });
            var start = admin.listOffsets(earliest).all().get(10, TimeUnit.SECONDS);
            var end = admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
            Map<TopicPartition, long[]> out = new HashMap<>();
            start.forEach((tp, s) -> out.put(tp, new long[]{s.offset(), end.get(tp).offset()}));
            return out;
        }
    }
}
