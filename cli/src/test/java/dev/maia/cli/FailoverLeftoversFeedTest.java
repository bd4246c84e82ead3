package dev.maia.cli;

import dev.maia.apply.conflict.ConflictFeed;
import dev.maia.schemas.avro.Conflict;
import dev.maia.schemas.avro.ConflictReason;
import dev.maia.schemas.avro.ConflictStrategy;
import dev.maia.schemas.avro.DrainedOffset;
import dev.maia.schemas.avro.Memory;
import dev.maia.schemas.avro.Operation;
import dev.maia.schemas.avro.Placement;
import dev.maia.schemas.avro.ResourceType;
import dev.maia.schemas.avro.WALEntry;
import dev.maia.schemas.http.Json;
import dev.maia.schemas.http.ResourceVersion;
import dev.maia.schemas.placement.Placements;
import dev.maia.schemas.wal.HybridLogicalClock;
import dev.maia.schemas.wal.SingleObjectWalCodec;
import dev.maia.schemas.wal.WalAncestry;
import dev.maia.schemas.wal.WalEntries;
import dev.maia.schemas.wal.WalTopics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 11, item 3, through real brokers and MirrorMaker: after acme's primary moved from us-west to
 * eu-central by a failover (the placement carries what eu-central had applied of us-west's log), two
 * entries us-west had accepted under the old epoch and never shipped reach every region: an update of a
 * memory the new primary rewrote (it loses under lww: the newer epoch wins) and a memory only the old
 * primary created (it applies). Every region reports both in its conflict feed as failover leftovers,
 * the same records everywhere, and counts them.
 */
class FailoverLeftoversFeedTest extends RegionsTest {
    private static final String OLD_PRIMARY = "us-west";
    private static final String NEW_PRIMARY = "eu-central";
    private static final List<String> REGIONS = List.of("us-west", "eu-central", "ap-tokyo");
    private static final String LEFTOVERS_METER = "maia.failover.leftovers";

    private final SingleObjectWalCodec codec = new SingleObjectWalCodec();

    @Test
    void theOldPrimarysUnshippedWritesAreResolvedAndReportedInEveryRegion() throws Exception {
        TestStack.Tenant t = TestStack.tenant();
        MaiaClient.Reply placed = TestStack.postPlacement(OLD_PRIMARY, t.id(),
                Json.write(Map.of("mode", "global", "primary_region", OLD_PRIMARY, "conflict_strategy", "lww")));
        assertThat(placed.status()).as("%s", placed.body()).isEqualTo(200);
        MaiaClient.Reply created = client.send("POST", url(OLD_PRIMARY, "/v1/memories"), t.key(),
                "{\"id\":\"m\",\"namespace\":\"ns\",\"content\":\"base\"}");
        assertThat(created.status()).as("%s", created.body()).isEqualTo(201);
        for (String region : REGIONS) {
            TestStack.awaitGet(region, "/v1/memories/m", t.key(), 200);
        }
        WALEntry base = nodes.node(OLD_PRIMARY).apply().currentState().current(t.id(), ResourceType.memory, "m").orElseThrow();

        Placement promoted = failOver(t.id());
        MaiaClient.Reply rewritten = client.send("PUT", url(NEW_PRIMARY, "/v1/memories/m"), t.key(), "{\"content\":\"new primary\"}");
        assertThat(rewritten.status()).as("%s", rewritten.body()).isEqualTo(200);
        String newVersion = rewritten.header(ResourceVersion.ETAG_HEADER);
        for (String region : REGIONS) {
            // us-west has just restarted: its apply path rejoins its group first (up to a session timeout).
            await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofMillis(200)).until(() -> newVersion.equals(
                    client.send("GET", url(region, "/v1/memories/m"), t.key(), null).header(ResourceVersion.ETAG_HEADER)));
        }

        WALEntry newWrite = nodes.node(NEW_PRIMARY).apply().currentState().current(t.id(), ResourceType.memory, "m").orElseThrow();
        assertThat(newWrite.getPlacementEpoch()).isEqualTo(promoted.getEpoch());

        // What us-west had accepted under the old epoch and not shipped: later clocks than the new primary's write.
        long later = System.currentTimeMillis() + 1_000;
        WALEntry lostUpdate = memory(base, t.id(), "m", "old primary", later, base.getPlacementEpoch());
        WALEntry onlyOld = memory(null, t.id(), "n", "only the old primary wrote this", later + 1, base.getPlacementEpoch());
        appendToOldPrimarysLog(t.id(), lostUpdate);
        appendToOldPrimarysLog(t.id(), onlyOld);

        String pairKey = t.id() + "/memory/m/" + lostUpdate.getId() + "/" + newWrite.getId();
        String createdKey = t.id() + "/memory/n//" + onlyOld.getId();
        byte[] pairBytes = null;
        byte[] createdBytes = null;
        for (String region : REGIONS) {
            await().atMost(Duration.ofSeconds(90)).until(() -> feed(region, t.id()).size() >= 2);
            List<ConsumerRecord<String, byte[]>> feed = feed(region, t.id());
            assertThat(feed).as("feed of %s", region).extracting(ConsumerRecord::key).containsExactlyInAnyOrder(pairKey, createdKey);
            for (ConsumerRecord<String, byte[]> r : feed) {
                Conflict c = ConflictFeed.decode(r.value());
                assertThat(c.getReason()).as("%s in %s", r.key(), region).isEqualTo(ConflictReason.failover_leftover);
                if (r.key().equals(pairKey)) {
                    assertThat(c.getLeftoverId()).isEqualTo(lostUpdate.getId());
                    assertThat(c.getLoserId()).isEqualTo(lostUpdate.getId());
                    pairBytes = same(pairBytes, r.value(), region);
                } else {
                    assertThat(c.getLeftoverId()).isEqualTo(onlyOld.getId());
                    assertThat(c.getLoserId()).as("it replaced nothing").isNull();
                    createdBytes = same(createdBytes, r.value(), region);
                }
            }
            assertThat(TestStack.count(region, LEFTOVERS_METER, t.id())).as("leftovers counted in %s", region).isEqualTo(2.0);
            assertThat(client.send("GET", url(region, "/v1/memories/m"), t.key(), null).body().get("content").asText())
                    .as("the newer epoch's write stands in %s", region).isEqualTo("new primary");
            assertThat(nodes.node(region).apply().currentState().current(t.id(), ResourceType.memory, "n"))
                    .as("the leftover nobody rewrote is held in %s", region).get()
                    .extracting(e -> ((Memory) e.getData()).getContent()).isEqualTo("only the old primary wrote this");
        }
        assertThat(promoted.getFailover().getFromRegion()).isEqualTo(OLD_PRIMARY);
    }

    private static byte[] same(byte[] earlier, byte[] value, String region) {
        if (earlier != null) {
            assertThat(value).as("the record in %s", region).isEqualTo(earlier);
        }
        return value;
    }

    /**
     * Appends the failover to the control log as the promoting region does: the next epoch, eu-central primary,
     * and the last offset of each partition of us-west's log that eu-central had applied; waits until every
     * region has it in effect.
     */
    private Placement failOver(String tenant) throws Exception {
        Placement current = nodes.node(NEW_PRIMARY).placement(tenant).orElseThrow();
        List<DrainedOffset>[] applied = new List[1];
        await("eu-central published what it applied of us-west's log").atMost(Duration.ofSeconds(30)).until(() -> {
            applied[0] = nodes.node(NEW_PRIMARY).apply().appliedOffsets().entrySet().stream()
                    .filter(e -> e.getKey().tenant().equals(tenant) && e.getKey().origin().equals(OLD_PRIMARY))
                    .map(e -> DrainedOffset.newBuilder().setOriginRegion(OLD_PRIMARY).setPartition(e.getKey().partition())
                            .setOffset(e.getValue()).build())
                    .toList();
            return !applied[0].isEmpty();
        });
        // A failover holds only once the old primary renews no more: us-west's process stops, and the failover
        // names its last renewal, as a promoting region does once the lease lapsed.
        nodes.stopRegion(OLD_PRIMARY);
        Placement next;
        try {
            long lastRenewal = lastRenewalSeenBy(NEW_PRIMARY);
            next = Placements.failedOver(current, NEW_PRIMARY, REGIONS, lastRenewal, applied[0], true, NEW_PRIMARY);
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(TestStack.controlClient(), new StringSerializer(),
                    new ByteArraySerializer())) {
                producer.send(new ProducerRecord<>(WalTopics.CONTROL, tenant, Placements.encode(next))).get(10, TimeUnit.SECONDS);
            }
            for (String region : List.of(NEW_PRIMARY, "ap-tokyo")) {
                await().atMost(Duration.ofSeconds(30)).until(() -> nodes.node(region).placement(tenant).map(Placement::getEpoch)
                        .equals(Optional.of(next.getEpoch())));
            }
        } finally {
            nodes.startRegion(OLD_PRIMARY);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> nodes.node(OLD_PRIMARY).placement(tenant).map(Placement::getEpoch)
                .equals(Optional.of(next.getEpoch())));
        return next;
    }

    /** The control log offset of us-west's last lease renewal as {@code region} read it, once no more come. */
    private long lastRenewalSeenBy(String region) {
        long[] seen = {-2};
        await("us-west renews no more").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(3)).until(() -> {
            long now = -1;
            for (var row : TestStack.admin("GET", region, "/admin/leases", null).body().get("leases")) {
                if (row.get("region").asText().equals(OLD_PRIMARY)) {
                    now = row.get("renewal_offset").asLong();
                }
            }
            boolean stable = now == seen[0];
            seen[0] = now;
            return stable;
        });
        return seen[0];
    }

    private static WALEntry memory(WALEntry base, String tenant, String id, String content, long millis, long epoch) {
        Instant at = Instant.ofEpochMilli(millis);
        Memory m = Memory.newBuilder().setId(id).setNamespace("ns").setContent(content).setCreatedAt(at).setUpdatedAt(at).build();
        WALEntry e = WalEntries.memoryChange(base == null ? Operation.CREATE : Operation.UPDATE, tenant, id, "ns", m,
                HybridLogicalClock.pack(millis, 0), OLD_PRIMARY, epoch);
        WalAncestry.builtOn(e, base);
        e.setConflictStrategy(ConflictStrategy.lww);
        return e;
    }

    private void appendToOldPrimarysLog(String tenant, WALEntry entry) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(TestStack.kafkaClient(OLD_PRIMARY), new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(WalTopics.wal(tenant), entry.getResourceId(), codec.encode(entry))).get(10, TimeUnit.SECONDS);
        }
    }

    private static List<ConsumerRecord<String, byte[]>> feed(String region, String tenant) {
        return TestStack.readAll(region, WalTopics.CONFLICTS).stream()
                .filter(r -> r.key() != null && r.key().startsWith(tenant + "/")).toList();
    }
}
