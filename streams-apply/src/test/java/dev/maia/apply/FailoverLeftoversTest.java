package dev.maia.apply;

import dev.maia.apply.conflict.ConflictFeed;
import dev.maia.apply.store.ChronicleReplicaStore;
import dev.maia.apply.store.StoreConfig;
import dev.maia.apply.position.PositionTracker;
import dev.maia.schemas.avro.Conflict;
import dev.maia.schemas.avro.ConflictReason;
import dev.maia.schemas.avro.ConflictStrategy;
import dev.maia.schemas.avro.DrainedOffset;
import dev.maia.schemas.avro.Failover;
import dev.maia.schemas.avro.Memory;
import dev.maia.schemas.avro.Operation;
import dev.maia.schemas.avro.ResourceType;
import dev.maia.schemas.avro.WALEntry;
import dev.maia.schemas.topology.KafkaSecurity;
import dev.maia.schemas.wal.AvroClasses;
import dev.maia.schemas.wal.HybridLogicalClock;
import dev.maia.schemas.wal.SingleObjectWalCodec;
import dev.maia.schemas.wal.WalAncestry;
import dev.maia.schemas.wal.WalEntries;
import dev.maia.schemas.wal.WalHeaders;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 11, item 3, the apply side: after us-west lost acme to eu-central (epoch 1 -> 2, eu-central had
 * applied us-west's log up to offset 1), the entries us-west accepted under epoch 1 and never shipped
 * arrive through MirrorMaker. Each is resolved by the tenant's strategy as any entry is, and is also
 * reported in the conflict feed and counted, whether it won, lost or touched a resource nobody rewrote.
 */
class FailoverLeftoversTest {
    static {
        AvroClasses.trust();
    }

    private static final String OLD_PRIMARY = "us-west";
    private static final String NEW_PRIMARY = "eu-central";
    private static final Failover FAILOVER = Failover.newBuilder().setEpoch(2).setFromRegion(OLD_PRIMARY).setLapsedLeaseOffset(17)
            .setApplied(List.of(DrainedOffset.newBuilder().setOriginRegion(OLD_PRIMARY).setPartition(0).setOffset(1).build()))
            .setAt(Instant.ofEpochMilli(5_000)).setForced(false).build();

    private final SingleObjectWalCodec codec = new SingleObjectWalCodec();
    private final List<Region> regions = new ArrayList<>();
    @TempDir
    Path dir;

    /** One region's apply step, its store, its counters and its conflict feed. */
    private final class Region implements AutoCloseable {
        final SimpleMeterRegistry registry = new SimpleMeterRegistry();
        final ChronicleReplicaStore store;
        final TopologyTestDriver driver;
        final TestOutputTopic<String, byte[]> feed;

        Region(String name, Path home, Optional<Failover> failover) {
            store = ChronicleReplicaStore.open(new StoreConfig(home.resolve("store"), 10_000, 512, 1_000), codec);
            driver = new TopologyTestDriver(ApplyTopology.build(name, codec, store, new PositionTracker(store), tenant -> true,
                    registry, (r, e) -> { }, 100, tenant -> tenant.equals("acme") ? failover : Optional.empty()),
                    ApplyStreams.streamsProperties(ApplyConfig.defaults(name, "unused:9092", KafkaSecurity.plaintext(), home)));
            feed = driver.createOutputTopic("maia.conflicts", Serdes.String().deserializer(), Serdes.ByteArray().deserializer());
        }

        /** An entry of us-west's log at {@code offset}, as MirrorMaker copies it here. */
        void fromOldPrimary(WALEntry e, long offset) {
            RecordHeaders headers = new RecordHeaders();
            headers.add(WalHeaders.ORIGIN_OFFSET, WalHeaders.encodeLong(offset));
            driver.createInputTopic(OLD_PRIMARY + ".maia.wal.acme", Serdes.String().serializer(), Serdes.ByteArray().serializer())
                    .pipeInput(new TestRecord<>(e.getResourceId(), codec.encode(e), headers, Instant.now()));
        }

        /** An entry of the new primary's own log (this region is the new primary). */
        void fromNewPrimary(WALEntry e) {
            driver.createInputTopic("maia.wal.acme", Serdes.String().serializer(), Serdes.ByteArray().serializer())
                    .pipeInput(e.getResourceId(), codec.encode(e));
        }

        Memory memory(String id) {
            return (Memory) store.live("acme", ResourceType.memory, id).orElseThrow().getData();
        }

        double leftovers() {
            Counter c = registry.find("maia.failover.leftovers").tag("region", NEW_PRIMARY).tag("tenant", "acme")
                    .tag("origin_region", OLD_PRIMARY).counter();
            return c == null ? 0 : c.count();
        }

        double conflicts(String strategy) {
            Counter c = registry.find("maia.conflicts.resolved").tag("tenant", "acme").tag("strategy", strategy).counter();
            return c == null ? 0 : c.count();
        }

        @Override
        public void close() {
            driver.close();
            store.close();
        }
    }

    private Region region(Optional<Failover> failover) {
        // Two instances of eu-central in one test: two runs of the same region with other arrival orders.
        Region r = new Region(NEW_PRIMARY, dir.resolve("run" + regions.size()), failover);
        regions.add(r);
        return r;
    }

    private Region afterFailover() {
        return region(Optional.of(FAILOVER));
    }

    @AfterEach
    void stop() {
        regions.forEach(Region::close);
    }

    private static WALEntry write(WALEntry base, Operation op, String id, String content, List<String> tags, long millis,
                                  String origin, long epoch, ConflictStrategy strategy) {
        Instant t = Instant.ofEpochMilli(millis);
        Memory m = Memory.newBuilder().setId(id).setNamespace("ns").setContent(content).setTags(tags).setCreatedAt(t).setUpdatedAt(t).build();
        WALEntry e = WalEntries.memoryChange(op, "acme", id, "ns", m, HybridLogicalClock.pack(millis, 0), origin, epoch);
        WalAncestry.builtOn(e, base);
        e.setConflictStrategy(strategy);
        return e;
    }

    private static WALEntry create(String id, String content, long millis, ConflictStrategy strategy) {
        return write(null, Operation.CREATE, id, content, List.of(), millis, OLD_PRIMARY, 1, strategy);
    }

    private static WALEntry update(WALEntry base, String content, List<String> tags, long millis, String origin, long epoch) {
        return write(base, Operation.UPDATE, base.getResourceId(), content, tags, millis, origin, epoch, base.getConflictStrategy());
    }

    private static Conflict decode(TestRecord<String, byte[]> r) throws Exception {
        return ConflictFeed.decode(r.value());
    }

    @Test
    void aLeftoverBeyondWhatTheNewPrimaryAppliedIsInTheFeedCountedAndLosesToTheNewEpochUnderLww() throws Exception {
        WALEntry base = create("m1", "base", 1_000, ConflictStrategy.lww);
        WALEntry promoted = update(base, "new primary", List.of(), 6_000, NEW_PRIMARY, 2);
        // Written by the old primary before it knew it had lost the tenant, with a later clock: the epoch decides.
        WALEntry leftover = update(base, "old primary", List.of(), 7_000, OLD_PRIMARY, 1);
        Region r = afterFailover();
        r.fromOldPrimary(base, 1);
        r.fromNewPrimary(promoted);
        r.fromOldPrimary(leftover, 2);

        assertThat(r.memory("m1").getContent()).isEqualTo("new primary");
        List<TestRecord<String, byte[]>> feed = r.feed.readRecordsToList();
        assertThat(feed).singleElement().satisfies(rec -> {
            assertThat(rec.key()).isEqualTo("acme/memory/m1/" + leftover.getId() + "/" + promoted.getId());
            Conflict c = decode(rec);
            assertThat(c.getReason()).isEqualTo(ConflictReason.failover_leftover);
            assertThat(c.getLeftoverId()).isEqualTo(leftover.getId());
            assertThat(c.getStrategy()).isEqualTo(ConflictStrategy.lww);
            assertThat(c.getWinnerId()).isEqualTo(promoted.getId());
            assertThat(codec.decode(c.getLoser().array()).getId()).isEqualTo(leftover.getId());
        });
        assertThat(r.leftovers()).isEqualTo(1.0);
        assertThat(r.conflicts("lww")).isEqualTo(1.0);
    }

    @Test
    void theLeftoversPairIsTheSameRecordWhicheverArrivesFirst() throws Exception {
        WALEntry base = create("m1", "base", 1_000, ConflictStrategy.lww);
        WALEntry promoted = update(base, "new primary", List.of(), 6_000, NEW_PRIMARY, 2);
        WALEntry leftover = update(base, "old primary", List.of(), 7_000, OLD_PRIMARY, 1);
        Region promotedFirst = afterFailover();
        promotedFirst.fromOldPrimary(base, 1);
        promotedFirst.fromNewPrimary(promoted);
        promotedFirst.fromOldPrimary(leftover, 2);
        Region leftoverFirst = region(Optional.of(FAILOVER));
        leftoverFirst.fromOldPrimary(base, 1);
        leftoverFirst.fromOldPrimary(leftover, 2);
        leftoverFirst.fromNewPrimary(promoted);

        String pairKey = "acme/memory/m1/" + leftover.getId() + "/" + promoted.getId();
        List<TestRecord<String, byte[]>> first = promotedFirst.feed.readRecordsToList();
        List<TestRecord<String, byte[]>> second = leftoverFirst.feed.readRecordsToList();
        // Where the leftover came first it applied cleanly over base (reported so), then the new primary's
        // write was concurrent with it: the same pair, with the same reason, as in the other order.
        assertThat(second).extracting(TestRecord::key).containsExactly("acme/memory/m1/" + base.getId() + "/" + leftover.getId(), pairKey);
        assertThat(decode(second.get(0)).getReason()).isEqualTo(ConflictReason.failover_leftover);
        assertThat(second.get(1).value()).isEqualTo(first.get(0).value());
        assertThat(leftoverFirst.memory("m1").getContent()).isEqualTo("new primary");
        assertThat(leftoverFirst.leftovers()).isEqualTo(1.0);
    }

    @Test
    void aLeftoverOfAResourceNobodyRewroteAppliesAndIsInTheFeed() throws Exception {
        WALEntry base = create("m2", "base", 1_000, ConflictStrategy.lww);
        WALEntry leftoverUpdate = update(base, "only the old primary changed it", List.of(), 4_000, OLD_PRIMARY, 1);
        WALEntry leftoverCreate = write(null, Operation.CREATE, "m3", "created by the old primary", List.of(), 4_100,
                OLD_PRIMARY, 1, ConflictStrategy.lww);
        Region r = afterFailover();
        r.fromOldPrimary(base, 0);
        r.fromOldPrimary(leftoverUpdate, 2);
        r.fromOldPrimary(leftoverCreate, 3);

        assertThat(r.memory("m2").getContent()).isEqualTo("only the old primary changed it");
        assertThat(r.memory("m3").getContent()).isEqualTo("created by the old primary");
        List<TestRecord<String, byte[]>> feed = r.feed.readRecordsToList();
        assertThat(feed).extracting(TestRecord::key).containsExactly(
                "acme/memory/m2/" + base.getId() + "/" + leftoverUpdate.getId(), "acme/memory/m3//" + leftoverCreate.getId());
        Conflict replacedBase = decode(feed.get(0));
        assertThat(replacedBase.getReason()).isEqualTo(ConflictReason.failover_leftover);
        assertThat(replacedBase.getLeftoverId()).isEqualTo(leftoverUpdate.getId());
        assertThat(replacedBase.getWinnerId()).isEqualTo(leftoverUpdate.getId());
        assertThat(replacedBase.getLoserId()).isEqualTo(base.getId());
        Conflict created = decode(feed.get(1));
        assertThat(created.getReason()).isEqualTo(ConflictReason.failover_leftover);
        assertThat(created.getLeftoverId()).isEqualTo(leftoverCreate.getId());
        assertThat(codec.decode(created.getWinner().array()).getId()).isEqualTo(leftoverCreate.getId());
        assertThat(created.getLoserId()).isNull();
        assertThat(created.getLoser()).isNull();
        assertThat(r.leftovers()).isEqualTo(2.0);
        assertThat(r.conflicts("lww")).as("nothing was concurrent").isZero();
    }

    @Test
    void anEntryAtOrBelowWhatTheNewPrimaryAppliedIsNoLeftover() {
        WALEntry base = create("m4", "base", 1_000, ConflictStrategy.lww);
        WALEntry shipped = update(base, "shipped before the failover", List.of(), 2_000, OLD_PRIMARY, 1);
        Region r = afterFailover();
        r.fromOldPrimary(base, 0);
        r.fromOldPrimary(shipped, 1);

        assertThat(r.memory("m4").getContent()).isEqualTo("shipped before the failover");
        assertThat(r.feed.readRecordsToList()).isEmpty();
        assertThat(r.leftovers()).isZero();
    }

    @Test
    void anEntryOfTheOldPrimaryAtTheNewEpochOrLaterIsNoLeftover() {
        WALEntry base = create("m5", "base", 1_000, ConflictStrategy.lww);
        // us-west is primary again (a failback at epoch 3) and writes far beyond the offsets of the failover.
        WALEntry atNewEpoch = update(base, "epoch 2", List.of(), 8_000, OLD_PRIMARY, 2);
        WALEntry afterFailback = update(atNewEpoch, "epoch 3", List.of(), 9_000, OLD_PRIMARY, 3);
        Region r = afterFailover();
        r.fromOldPrimary(base, 0);
        r.fromOldPrimary(atNewEpoch, 40);
        r.fromOldPrimary(afterFailback, 41);

        assertThat(r.memory("m5").getContent()).isEqualTo("epoch 3");
        assertThat(r.feed.readRecordsToList()).isEmpty();
        assertThat(r.leftovers()).isZero();
    }

    @Test
    void withoutAFailoverTheSameEntriesAreAnOrdinaryConflict() throws Exception {
        WALEntry base = create("m6", "base", 1_000, ConflictStrategy.lww);
        WALEntry promoted = update(base, "new primary", List.of(), 6_000, NEW_PRIMARY, 2);
        WALEntry leftover = update(base, "old primary", List.of(), 7_000, OLD_PRIMARY, 1);
        Region r = region(Optional.empty());
        r.fromOldPrimary(base, 1);
        r.fromNewPrimary(promoted);
        r.fromOldPrimary(leftover, 2);

        assertThat(r.feed.readRecordsToList()).singleElement().satisfies(rec -> {
            assertThat(decode(rec).getReason()).isEqualTo(ConflictReason.concurrent);
            assertThat(decode(rec).getLeftoverId()).isNull();
        });
        assertThat(r.leftovers()).isZero();
    }

    @Test
    void underMergeALeftoverIsMergedWithTheNewEpochsWriteAndReported() throws Exception {
        WALEntry base = create("m7", "base", 1_000, ConflictStrategy.merge);
        WALEntry promoted = update(base, "new primary", List.of("from-new"), 6_000, NEW_PRIMARY, 2);
        WALEntry leftover = update(base, "old primary", List.of("from-old"), 7_000, OLD_PRIMARY, 1);
        Region r = afterFailover();
        r.fromOldPrimary(base, 1);
        r.fromNewPrimary(promoted);
        r.fromOldPrimary(leftover, 2);

        Memory merged = r.memory("m7");
        assertThat(merged.getContent()).as("scalars from the newer epoch").isEqualTo("new primary");
        assertThat(merged.getTags()).containsExactly("from-new", "from-old");
        assertThat(r.feed.readRecordsToList()).singleElement().satisfies(rec -> {
            Conflict c = decode(rec);
            assertThat(c.getReason()).isEqualTo(ConflictReason.failover_leftover);
            assertThat(c.getStrategy()).isEqualTo(ConflictStrategy.merge);
            assertThat(c.getLeftoverId()).isEqualTo(leftover.getId());
        });
        assertThat(r.leftovers()).isEqualTo(1.0);
        assertThat(r.conflicts("merge")).isEqualTo(1.0);
    }
}
