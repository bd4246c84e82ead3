package dev.maia.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maia.apply.conflict.ConflictFeed;
import dev.maia.schemas.avro.Conflict;
import dev.maia.schemas.avro.ConflictStrategy;
import dev.maia.schemas.avro.Memory;
import dev.maia.schemas.avro.Operation;
import dev.maia.schemas.avro.ResourceType;
import dev.maia.schemas.avro.WALEntry;
import dev.maia.schemas.http.Json;
import dev.maia.schemas.http.ResourceVersion;
import dev.maia.schemas.wal.HybridLogicalClock;
import dev.maia.schemas.wal.SingleObjectWalCodec;
import dev.maia.schemas.wal.WalAncestry;
import dev.maia.schemas.wal.WalEntries;
import dev.maia.schemas.wal.WalTopics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 9, item 5, through real brokers and MirrorMaker: an ordinary update is not a conflict, and two
 * writes of one resource of which neither had seen the other (appended straight to two regions' own WAL
 * topics, as two primaries would across a failover) are resolved to the same bytes in every region,
 * counted once per region under the tenant's strategy, and reported by the same feed record everywhere.
 * Each region receives the two in its own order: its own first where it wrote one, MirrorMaker's
 * arrival order in the third.
 */
class ConflictsTest extends RegionsTest {
    private static final String PRIMARY = "us-west";
    private static final String PROMOTED = "eu-central";
    private static final List<String> REGIONS = List.of("us-west", "eu-central", "ap-tokyo");
    private static final String CONFLICTS_METER = "maia.conflicts.resolved";

    private final SingleObjectWalCodec codec = new SingleObjectWalCodec();

    @Test
    void anOrdinaryUpdateIsNotAConflict() throws Exception {
        TestStack.Tenant t = TestStack.tenant();
        TestStack.place(t.id(), "global", PRIMARY);
        String id = create(t, "{\"id\":\"plain\",\"namespace\":\"ns\",\"content\":\"v1\"}");
        MaiaClient.Reply v2 = client.send("PUT", url(PRIMARY, "/v1/memories/" + id), t.key(), "{\"content\":\"v2\"}");
        assertThat(v2.status()).isEqualTo(200);
        MaiaClient.Reply v3 = client.send("PUT", url(PRIMARY, "/v1/memories/" + id), t.key(), "{\"content\":\"v3\"}");
        assertThat(v3.status()).isEqualTo(200);
        String version = v3.header(ResourceVersion.ETAG_HEADER);

        for (String region : REGIONS) {
            TestStack.awaitGet(region, "/v1/memories/" + id, t.key(), r -> version.equals(r.header(ResourceVersion.ETAG_HEADER)));
        }
        for (String region : REGIONS) {
            assertThat(TestStack.count(region, CONFLICTS_METER, t.id())).as("conflicts counted in %s", region).isZero();
            assertThat(feed(region, t.id())).as("conflict feed of %s", region).isEmpty();
        }
    }

    @Test
    void aPlacementShowsItsConflictStrategyAndRefusesAnUnknownOne() throws Exception {
        TestStack.Tenant t = TestStack.tenant();
        JsonNode placed = TestStack.place(t.id(), "single", PRIMARY);
        assertThat(placed.get("conflict_strategy").asText()).as("the default").isEqualTo("lww");

        MaiaClient.Reply bad = TestStack.postPlacement(PRIMARY, t.id(),
                Json.write(Map.of("mode", "single", "primary_region", PRIMARY, "conflict_strategy", "crdt")));

        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body().get("code").asText()).isEqualTo("INVALID_INPUT");
        assertThat(bad.body().get("details").get("field").asText()).isEqualTo("conflict_strategy");
        assertThat(TestStack.placementIn(PRIMARY, t.id()).get("conflict_strategy").asText()).isEqualTo("lww");
    }

    @Test
    void lwwTenantConvergesByteForByteAndEveryRegionReportsTheSameConflict() throws Exception {
        TestStack.Tenant t = TestStack.tenant();
        Concurrent c = writeConcurrently(t, "lww");

        Map<String, JsonNode> digests = awaitEqualDigests(t.id());
        assertThat(digests.get(PRIMARY).get("resources").asLong()).isEqualTo(1);
        Set<String> versions = new TreeSet<>();
        for (String region : REGIONS) {
            MaiaClient.Reply read = client.send("GET", url(region, "/v1/memories/m"), t.key(), null);
            // The promoted primary's write has the higher placement epoch: it wins although its clock is earlier.
            assertThat(read.body().get("content").asText()).as("content in %s", region).isEqualTo("from " + PROMOTED);
            assertThat(Json.MAPPER.convertValue(read.body().get("tags"), List.class)).containsExactly("base", "from-ap", "from-eu");
            versions.add(read.header(ResourceVersion.ETAG_HEADER));
        }
        assertThat(versions).as("one resolved version everywhere, naming both writes").hasSize(1)
                .doesNotContain(ResourceVersion.etag(c.primary().getId()), ResourceVersion.etag(c.promoted().getId()));
        assertOneConflictEverywhere(t.id(), c, ConflictStrategy.lww);
    }

    @Test
    void mergeTenantConvergesByteForByteAndAWriteBuiltOnTheMergeEndsTheConflict() throws Exception {
        TestStack.Tenant t = TestStack.tenant();
        Concurrent c = writeConcurrently(t, "merge");

        awaitEqualDigests(t.id());
        String mergedVersion = null;
        for (String region : REGIONS) {
            MaiaClient.Reply read = client.send("GET", url(region, "/v1/memories/m"), t.key(), null);
            JsonNode m = read.body();
            assertThat(m.get("content").asText()).as("scalar fields from the ordering rule's winner in %s", region)
                    .isEqualTo("from " + PROMOTED);
            assertThat(Json.MAPPER.convertValue(m.get("tags"), List.class)).containsExactly("base", "from-ap", "from-eu", "from-us");
            assertThat(m.get("metadata").get("shared").asText()).isEqualTo(PROMOTED);
            assertThat(m.get("metadata").get("only_us").asInt()).isEqualTo(1);
            assertThat(m.get("metadata").get("only_eu").asInt()).isEqualTo(2);
            String version = read.header(ResourceVersion.ETAG_HEADER);
            assertThat(version).isNotIn(ResourceVersion.etag(c.primary().getId()), ResourceVersion.etag(c.promoted().getId()));
            if (mergedVersion != null) {
                assertThat(version).as("the merged version in %s", region).isEqualTo(mergedVersion);
            }
            mergedVersion = version;
        }
        assertOneConflictEverywhere(t.id(), c, ConflictStrategy.merge);

        // The primary builds its next write on the merged state: every region takes it as an ordinary update.
        MaiaClient.Reply next = client.send("PUT", url(PRIMARY, "/v1/memories/m"), t.key(), "{\"tags\":[\"after\"]}");
        assertThat(next.status()).as("%s", next.body()).isEqualTo(200);
        String nextVersion = next.header(ResourceVersion.ETAG_HEADER);
        for (String region : REGIONS) {
            JsonNode m = TestStack.awaitGet(region, "/v1/memories/m", t.key(),
                    r -> nextVersion.equals(r.header(ResourceVersion.ETAG_HEADER))).body();
            assertThat(Json.MAPPER.convertValue(m.get("tags"), List.class)).containsExactly("after");
        }
        awaitEqualDigests(t.id());
        for (String region : REGIONS) {
            assertThat(TestStack.count(region, CONFLICTS_METER, t.id())).as("conflicts counted in %s", region).isEqualTo(1.0);
        }
    }

    /** The two concurrent writes: the old primary's and the promoted region's, both built on {@code base}. */
    private record Concurrent(WALEntry base, WALEntry primary, WALEntry promoted) {
    }

    /**
     * Places the tenant globally with a strategy, creates memory {@code m} through the API and waits until
     * every region holds it; then appends to us-west's own log an update the old primary accepted and to
     * eu-central's own log an update that region accepted as promoted primary (the next epoch), neither
     * having seen the other, both built on the created version.
     */
    private Concurrent writeConcurrently(TestStack.Tenant t, String strategy) throws Exception {
        String body = Json.write(Map.of("mode", "global", "primary_region", PRIMARY, "conflict_strategy", strategy));
        MaiaClient.Reply placed = TestStack.postPlacement(PRIMARY, t.id(), body);
        assertThat(placed.status()).as("%s", placed.body()).isEqualTo(200);
        assertThat(placed.body().get("conflict_strategy").asText()).isEqualTo(strategy);
        String id = create(t, "{\"id\":\"m\",\"namespace\":\"ns\",\"content\":\"base\",\"tags\":[\"base\",\"from-ap\"],"
                + "\"metadata\":{\"shared\":\"base\"}}");
        for (String region : REGIONS) {
            TestStack.awaitGet(region, "/v1/memories/" + id, t.key(), 200);
        }
        WALEntry base = nodes.node(PRIMARY).apply().currentState().current(t.id(), ResourceType.memory, id).orElseThrow();

        long now = System.currentTimeMillis();
        WALEntry primary = update(base, PRIMARY, base.getPlacementEpoch(), HybridLogicalClock.pack(now, 0),
                "from-us", Map.of("shared", PRIMARY, "only_us", "1"));
        WALEntry promoted = update(base, PROMOTED, base.getPlacementEpoch() + 1, HybridLogicalClock.pack(now - 1_000, 0),
                "from-eu", Map.of("shared", PROMOTED, "only_eu", "2"));
        append(PRIMARY, t.id(), primary);
        append(PROMOTED, t.id(), promoted);
        return new Concurrent(base, primary, promoted);
    }

    private WALEntry update(WALEntry base, String origin, long epoch, long hlc, String tag, Map<String, String> metadata) {
        Memory before = (Memory) base.getData();
        Map<String, String> merged = new HashMap<>();
        before.getMetadata().forEach((k, v) -> merged.put(k, v));
        metadata.forEach((k, v) -> merged.put(k, Json.write(v)));
        List<String> tags = new ArrayList<>(before.getTags());
        tags.add(tag);
        Memory after = Memory.newBuilder(before).setContent("from " + origin).setTags(tags).setMetadata(merged).build();
        WALEntry entry = WalEntries.memoryChange(Operation.UPDATE, base.getTenantId(), base.getResourceId(), base.getNamespace(),
                after, hlc, origin, epoch);
        WalAncestry.builtOn(entry, base);
        entry.setConflictStrategy(base.getConflictStrategy());
        return entry;
    }

    /** Appends an entry to a region's own log of the tenant, creating it there (as its primary would) if needed. */
    private void append(String region, String tenant, WALEntry entry) throws Exception {
        String topic = WalTopics.wal(tenant);
        try (Admin admin = TestStack.admin(region)) {
            if (!admin.listTopics().names().get(10, TimeUnit.SECONDS).contains(topic)) {
                int partitions;
                try (Admin primary = TestStack.admin(PRIMARY)) {
                    partitions = primary.describeTopics(Set.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS)
                            .get(topic).partitions().size();
                }
                admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(10, TimeUnit.SECONDS);
            }
        }
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(TestStack.kafkaClient(region), new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, entry.getResourceId(), codec.encode(entry))).get(10, TimeUnit.SECONDS);
        }
    }

    private String create(TestStack.Tenant t, String body) throws Exception {
        MaiaClient.Reply created = client.send("POST", url(PRIMARY, "/v1/memories"), t.key(), body);
        assertThat(created.status()).as("%s", created.body()).isEqualTo(201);
        return created.body().get("id").asText();
    }

    /** Waits until every region reports the same applied vector and digest of the tenant; answers them by region. */
    private Map<String, JsonNode> awaitEqualDigests(String tenant) {
        Map<String, JsonNode> last = new TreeMap<>();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(300)).until(() -> {
            for (String region : REGIONS) {
                MaiaClient.Reply r = client.send("GET", url(region, "/admin/tenants/" + tenant + "/digest"), TestStack.adminKey(), null);
                if (r.status() != 200) {
                    return false;
                }
                last.put(region, r.body());
            }
            Set<String> digests = new TreeSet<>();
            Set<String> vectors = new TreeSet<>();
            last.values().forEach(d -> {
                digests.add(d.get("digest").asText());
                vectors.add(d.get("positions").toString());
            });
            // Two origin logs in the vector: both concurrent writes (or what followed) are applied everywhere.
            return digests.size() == 1 && vectors.size() == 1 && last.get(PRIMARY).get("positions").size() >= 2;
        });
        return last;
    }

    /** Every region counted the pair once under the strategy and wrote one feed record, the same bytes everywhere. */
    private void assertOneConflictEverywhere(String tenant, Concurrent c, ConflictStrategy strategy) throws Exception {
        byte[] first = null;
        for (String region : REGIONS) {
            await().atMost(Duration.ofSeconds(30)).until(() -> feed(region, tenant).size() == 1);
            assertThat(TestStack.nodes().node(region).registry().find(CONFLICTS_METER).tag("tenant", tenant)
                    .tag("strategy", strategy.name()).counter().count()).as("conflicts counted in %s", region).isEqualTo(1.0);
            ConsumerRecord<String, byte[]> record = feed(region, tenant).get(0);
            assertThat(record.key()).isEqualTo(tenant + "/memory/m/" + c.primary().getId() + "/" + c.promoted().getId());
            Conflict conflict = ConflictFeed.decode(record.value());
            assertThat(conflict.getStrategy()).isEqualTo(strategy);
            assertThat(conflict.getWinnerId()).isEqualTo(c.promoted().getId());
            assertThat(conflict.getLoserId()).isEqualTo(c.primary().getId());
            assertThat(codec.decode(conflict.getLoser().array()).getId()).isEqualTo(c.primary().getId());
            if (first != null) {
                assertThat(record.value()).as("the feed record in %s", region).isEqualTo(first);
            }
            first = record.value();
        }
    }

    private static List<ConsumerRecord<String, byte[]>> feed(String region, String tenant) {
        return TestStack.readAll(region, WalTopics.CONFLICTS).stream()
                .filter(r -> r.key() != null && r.key().startsWith(tenant + "/")).toList();
    }
}
