package dev.maia.apply;

import dev.maia.schemas.topology.KafkaSecurity;
import dev.maia.apply.conflict.ConflictFeed;
import dev.maia.apply.store.ChronicleReplicaStore;
import dev.maia.apply.store.StoreConfig;
import dev.maia.schemas.avro.Conflict;
import dev.maia.schemas.avro.ConflictStrategy;
import dev.maia.schemas.avro.Memory;
import dev.maia.schemas.avro.Operation;
import dev.maia.schemas.avro.ResourceType;
import dev.maia.schemas.avro.WALEntry;
import dev.maia.schemas.wal.AvroClasses;
import dev.maia.schemas.wal.HybridLogicalClock;
import dev.maia.schemas.wal.SingleObjectWalCodec;
import dev.maia.schemas.wal.WalAncestry;
import dev.maia.schemas.wal.WalEntries;
import dev.maia.schemas.wal.WalHeaders;
import dev.maia.schemas.wal.WalTopics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import dev.maia.apply.position.PositionPublisher;
import dev.maia.apply.position.PositionTracker;
import dev.maia.control.position.PositionsView;
import dev.maia.schemas.avro.Position;
import dev.maia.schemas.position.PositionKey;

/** The apply step in isolation (TopologyTestDriver, a real Chronicle store); the real-Kafka path is tested in cli. */
class ApplyTopologyTest {
    static {
        AvroClasses.trust();
    }

    private final SingleObjectWalCodec codec = new SingleObjectWalCodec();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<WALEntry> applied = new ArrayList<>();
    @TempDir
    Path dir;
    private static final long COMMIT_INTERVAL_MS = 100;
    private ChronicleReplicaStore store;
    private PositionTracker positions;
    private TopologyTestDriver driver;
    private TestOutputTopic<String, byte[]> dlq;
    private TestOutputTopic<String, byte[]> conflicts;

    @BeforeEach
    void start() {
        store = ChronicleReplicaStore.open(new StoreConfig(dir.resolve("store"), 10_000, 512, 1_000), codec);
        positions = new PositionTracker(store);
        driver = new TopologyTestDriver(ApplyTopology.build("eu-central", codec, store,
                        positions, tenant -> !tenant.equals("gone"), registry, (r, e) -> applied.add(e), COMMIT_INTERVAL_MS),
                ApplyStreams.streamsProperties(ApplyConfig.defaults("eu-central", "unused:9092", KafkaSecurity.plaintext(), dir)));
        dlq = driver.createOutputTopic(WalTopics.DLQ, Serdes.String().deserializer(), Serdes.ByteArray().deserializer());
        conflicts = driver.createOutputTopic(WalTopics.CONFLICTS, Serdes.String().deserializer(), Serdes.ByteArray().deserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
        store.close();
    }

    private TestInputTopic<String, byte[]> topic(String name) {
        return driver.createInputTopic(name, Serdes.String().serializer(), Serdes.ByteArray().serializer());
    }

    private static WALEntry write(String id, String content, long millis, String origin) {
        Instant t = Instant.ofEpochMilli(millis);
        Memory m = Memory.newBuilder().setId(id).setNamespace("ns").setContent(content).setCreatedAt(t).setUpdatedAt(t).build();
        return WalEntries.memoryChange(Operation.UPDATE, "acme", id, "ns", m, HybridLogicalClock.pack(millis, 0), origin, 0);
    }

    private String content(String id) {
        return ((Memory) store.live("acme", ResourceType.memory, id).orElseThrow().getData()).getContent();
    }

    private static TestRecord<String, byte[]> mirrored(String key, byte[] value, long originOffset) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(WalHeaders.ORIGIN_OFFSET, WalHeaders.encodeLong(originOffset));
        return new TestRecord<>(key, value, headers, Instant.now());
    }

    @Test
    void theLaterWriteWinsWhateverTheArrivalOrder() {
        // Entries of a writer older than lineage (no based_on): the ordering rule alone, never a conflict.
        WALEntry older = write("m1", "old", 1_000, "us-west");
        WALEntry newer = write("m1", "new", 2_000, "us-west");
        TestInputTopic<String, byte[]> wal = topic("us-west.maia.wal.acme");
        wal.pipeInput(mirrored("m1", codec.encode(newer), 0));
        wal.pipeInput(mirrored("m1", codec.encode(older), 1));

        assertThat(content("m1")).isEqualTo("new");
        assertThat(conflicts.readRecordsToList()).isEmpty();
        assertThat(registry.find("maia.conflicts.resolved").counters()).isEmpty();
        assertThat(registry.get("maia.apply.superseded").counter().count()).isEqualTo(1.0);
    }

    private static WALEntry builtOn(WALEntry base, Operation op, String content, long millis, String origin, long epoch,
                                    ConflictStrategy strategy) {
        Instant t = Instant.ofEpochMilli(millis);
        Memory m = Memory.newBuilder().setId(base.getResourceId()).setNamespace("ns").setContent(content).setCreatedAt(t)
                .setUpdatedAt(t).build();
        WALEntry e = WalEntries.memoryChange(op, "acme", base.getResourceId(), "ns", m, HybridLogicalClock.pack(millis, 0), origin, epoch);
        WalAncestry.builtOn(e, op == Operation.CREATE ? null : base);
        e.setConflictStrategy(strategy);
        return e;
    }

    @Test
    void anOrdinaryUpdateIsNotAConflict() {
        WALEntry created = builtOn(write("m8", "", 0, "eu-central"), Operation.CREATE, "v1", 1_000, "eu-central", 1, ConflictStrategy.lww);
        WALEntry updated = builtOn(created, Operation.UPDATE, "v2", 1_100, "eu-central", 1, ConflictStrategy.lww);
        TestInputTopic<String, byte[]> wal = topic("maia.wal.acme");
        wal.pipeInput("m8", codec.encode(created));
        wal.pipeInput("m8", codec.encode(updated));

        assertThat(content("m8")).isEqualTo("v2");
        assertThat(conflicts.readRecordsToList()).isEmpty();
        assertThat(registry.find("maia.conflicts.resolved").counters()).isEmpty();
    }

    @Test
    void twoWritesThatDidNotSeeEachOtherAreOneConflictInTheFeedAndTheCounter() throws Exception {
        WALEntry base = builtOn(write("m9", "", 0, "us-west"), Operation.CREATE, "base", 1_000, "us-west", 1, ConflictStrategy.merge);
        WALEntry old = builtOn(base, Operation.UPDATE, "old primary", 1_200, "us-west", 1, ConflictStrategy.merge);
        WALEntry promoted = builtOn(base, Operation.UPDATE, "new primary", 1_100, "eu-central", 2, ConflictStrategy.merge);
        TestInputTopic<String, byte[]> usWest = topic("us-west.maia.wal.acme");
        usWest.pipeInput(mirrored("m9", codec.encode(base), 0));
        topic("maia.wal.acme").pipeInput("m9", codec.encode(promoted));
        usWest.pipeInput(mirrored("m9", codec.encode(old), 1));

        assertThat(content("m9")).isEqualTo("new primary");
        List<TestRecord<String, byte[]>> feed = conflicts.readRecordsToList();
        assertThat(feed).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo("acme/memory/m9/" + old.getId() + "/" + promoted.getId());
            Conflict c = ConflictFeed.decode(r.value());
            assertThat(c.getStrategy()).isEqualTo(ConflictStrategy.merge);
            assertThat(c.getWinnerId()).isEqualTo(promoted.getId());
            assertThat(codec.decode(c.getLoser().array()).getId()).isEqualTo(old.getId());
        });
        assertThat(registry.get("maia.conflicts.resolved").tag("tenant", "acme").tag("strategy", "merge").counter().count())
                .isEqualTo(1.0);
    }

    @Test
    void aCorruptEntryGoesToTheDlqAndLaterEntriesStillApply() {
        byte[] corrupt = codec.encode(write("m2", "corrupt", 1_000, "eu-central"));
        corrupt[corrupt.length - 3] ^= 0x10;
        TestInputTopic<String, byte[]> wal = topic("maia.wal.acme");
        wal.pipeInput("m2", corrupt);
        wal.pipeInput("m3", codec.encode(write("m3", "good", 1_001, "eu-central")));

        assertThat(store.current("acme", ResourceType.memory, "m2")).isEmpty();
        assertThat(content("m3")).isEqualTo("good");
        TestRecord<String, byte[]> dead = dlq.readRecord();
        assertThat(new String(dead.headers().lastHeader("maia.dlq.reason").value(), StandardCharsets.UTF_8))
                .isEqualTo("checksum_mismatch");
        assertThat(dead.value()).isEqualTo(corrupt);
        assertThat(registry.get("maia.replication.errors").tag("reason", "checksum_mismatch").counter().count()).isEqualTo(1.0);
    }

    @Test
    void aRedeliveredRecordIsSkippedByItsOriginOffset() {
        WALEntry first = write("m4", "v1", 1_000, "us-west");
        TestInputTopic<String, byte[]> wal = topic("us-west.maia.wal.acme");
        wal.pipeInput(mirrored("m4", codec.encode(first), 7));
        wal.pipeInput(mirrored("m4", codec.encode(first), 7));

        assertThat(applied).hasSize(1);
        assertThat(positions.appliedOffset("us-west", "acme", 0)).isEqualTo(7);
        assertThat(registry.get("maia.apply.duplicates").counter().count()).isEqualTo(1.0);
    }

    @Test
    void positionsReachTheStoreAtTheCommitNotWithEveryEntry() {
        TestInputTopic<String, byte[]> wal = topic("us-west.maia.wal.acme");
        wal.pipeInput(mirrored("m10", codec.encode(write("m10", "v1", 1_000, "us-west")), 3));

        assertThat(positions.appliedOffset("us-west", "acme", 0)).isEqualTo(3);
        assertThat(store.appliedOffset("us-west", "acme", 0)).isEqualTo(-1);

        driver.advanceWallClockTime(Duration.ofMillis(COMMIT_INTERVAL_MS));

        assertThat(store.appliedOffset("us-west", "acme", 0)).isEqualTo(3);
    }

    @Test
    void aCrashBetweenApplyAndThePositionFlushAppliesTheEntriesAgainAndConverges() {
        WALEntry created = builtOn(write("m11", "", 0, "us-west"), Operation.CREATE, "v1", 1_000, "us-west", 1, ConflictStrategy.lww);
        WALEntry second = builtOn(created, Operation.UPDATE, "v2", 1_100, "us-west", 1, ConflictStrategy.lww);
        WALEntry third = builtOn(second, Operation.UPDATE, "v3", 1_200, "us-west", 1, ConflictStrategy.lww);
        TestInputTopic<String, byte[]> wal = topic("us-west.maia.wal.acme");
        wal.pipeInput(mirrored("m11", codec.encode(created), 0));
        driver.advanceWallClockTime(Duration.ofMillis(COMMIT_INTERVAL_MS)); // flushed, then committed
        wal.pipeInput(mirrored("m11", codec.encode(second), 1));
        wal.pipeInput(mirrored("m11", codec.encode(third), 2));
        assertThat(content("m11")).isEqualTo("v3");

        // The process dies before the next commit: no flush, no offset commit. The restarted one knows
        // position 0 from the store, and Streams delivers again from the committed offset, 1.
        PositionTracker restarted = new PositionTracker(store);
        assertThat(restarted.appliedOffset("us-west", "acme", 0)).isEqualTo(0);
        List<WALEntry> appliedAfterRestart = new ArrayList<>();
        try (TopologyTestDriver again = new TopologyTestDriver(ApplyTopology.build("eu-central", codec, store, restarted,
                tenant -> true, new SimpleMeterRegistry(), (r, e) -> appliedAfterRestart.add(e), COMMIT_INTERVAL_MS),
                ApplyStreams.streamsProperties(ApplyConfig.defaults("eu-central", "unused:9092", KafkaSecurity.plaintext(), dir.resolve("again"))))) {
            TestInputTopic<String, byte[]> redelivered = again.createInputTopic("us-west.maia.wal.acme",
                    Serdes.String().serializer(), Serdes.ByteArray().serializer());
            redelivered.pipeInput(mirrored("m11", codec.encode(second), 1));
            redelivered.pipeInput(mirrored("m11", codec.encode(third), 2));
            again.advanceWallClockTime(Duration.ofMillis(COMMIT_INTERVAL_MS));

            assertThat(content("m11")).isEqualTo("v3");
            assertThat(store.current("acme", ResourceType.memory, "m11")).get().extracting(WALEntry::getId)
                    .isEqualTo(third.getId());
            assertThat(store.siblings("acme", ResourceType.memory, "m11")).isEmpty();
            assertThat(appliedAfterRestart).isEmpty(); // both were already held: nothing changed
            assertThat(store.appliedOffset("us-west", "acme", 0)).isEqualTo(2);
            assertThat(conflicts.readRecordsToList()).isEmpty();
        }
    }

    @Test
    void aStaleUpdateNeverResurrectsADeletedMemory() {
        WALEntry update = write("m5", "alive", 1_000, "us-west");
        WALEntry delete = WalEntries.memoryChange(Operation.DELETE, "acme", "m5", "ns", null,
                HybridLogicalClock.pack(2_000, 0), "us-west", 0);
        TestInputTopic<String, byte[]> wal = topic("us-west.maia.wal.acme");
        wal.pipeInput(mirrored("m5", codec.encode(delete), 0));
        wal.pipeInput(mirrored("m5", codec.encode(update), 1));

        assertThat(store.live("acme", ResourceType.memory, "m5")).isEmpty();
        assertThat(store.current("acme", ResourceType.memory, "m5")).get()
                .extracting(WALEntry::getOperation).isEqualTo(Operation.DELETE);
    }

    @Test
    void anEntryOfATenantThisRegionNoLongerHoldsIsNotStored() {
        WALEntry entry = WalEntries.memoryChange(Operation.CREATE, "gone", "m7", "ns",
                Memory.newBuilder().setId("m7").setNamespace("ns").setContent("x").setCreatedAt(Instant.EPOCH).setUpdatedAt(Instant.EPOCH).build(),
                1L << 16, "us-west", 0);
        topic("us-west.maia.wal.gone").pipeInput(mirrored("m7", codec.encode(entry), 0));

        assertThat(store.current("gone", ResourceType.memory, "m7")).isEmpty();
        assertThat(registry.get("maia.apply.not.held").counter().count()).isEqualTo(1.0);
    }

    @Test
    void anEntryOnAnotherTenantsLogIsRefused() {
        WALEntry foreign = WalEntries.memoryChange(Operation.CREATE, "globex", "m6", "ns",
                Memory.newBuilder().setId("m6").setNamespace("ns").setContent("x").setCreatedAt(Instant.EPOCH).setUpdatedAt(Instant.EPOCH).build(),
                1L << 16, "us-west", 0);
        topic("maia.wal.acme").pipeInput("m6", codec.encode(foreign));

        assertThat(store.current("globex", ResourceType.memory, "m6")).isEmpty();
        assertThat(new String(dlq.readRecord().headers().lastHeader("maia.dlq.reason").value(), StandardCharsets.UTF_8))
                .isEqualTo("tenant_mismatch");
    }

    private String reason(TestRecord<String, byte[]> dead) {
        return new String(dead.headers().lastHeader("maia.dlq.reason").value(), StandardCharsets.UTF_8);
    }

    private double errors(String reason) {
        // One counter per origin region: the sum over them.
        return registry.get("maia.replication.errors").tag("reason", reason).counters().stream()
                .mapToDouble(io.micrometer.core.instrument.Counter::count).sum();
    }

    private static TestRecord<String, byte[]> withHeaders(String key, byte[] value, byte[]... originOffsets) {
        RecordHeaders headers = new RecordHeaders();
        for (byte[] o : originOffsets) {
            headers.add(WalHeaders.ORIGIN_OFFSET, o);
        }
        return new TestRecord<>(key, value, headers, Instant.now());
    }

    @Test
    void aLocalRecordClaimingAnOriginOffsetIsDeadLetteredAndLaterWritesOfTheTenantStillApply() {
        // One junk record on the local log claiming origin offset 2^62: if it were believed, every later write
        // of the tenant and partition would look already applied, for ever.
        TestInputTopic<String, byte[]> wal = topic("maia.wal.acme");
        byte[] forged = codec.encode(write("m12", "forged", 1_000, "eu-central"));
        wal.pipeInput(withHeaders("m12", forged, WalHeaders.encodeLong(1L << 62)));
        wal.pipeInput("m13", codec.encode(write("m13", "later", 1_001, "eu-central")));
        wal.pipeInput("m14", codec.encode(write("m14", "and later", 1_002, "eu-central")));

        assertThat(store.current("acme", ResourceType.memory, "m12")).isEmpty();
        assertThat(content("m13")).isEqualTo("later");
        assertThat(content("m14")).isEqualTo("and later");
        assertThat(positions.appliedOffset("eu-central", "acme", 0)).as("the local log's own offsets").isEqualTo(2);
        TestRecord<String, byte[]> dead = dlq.readRecord();
        assertThat(reason(dead)).isEqualTo("origin_offset_on_local_log");
        assertThat(new String(dead.headers().lastHeader("maia.dlq.detail").value(), StandardCharsets.UTF_8))
                .isEqualTo("origin offset header on a local log");
        assertThat(dead.value()).isEqualTo(forged);
        assertThat(dlq.isEmpty()).isTrue();
        assertThat(errors("origin_offset_on_local_log")).isEqualTo(1.0);
    }

    @Test
    void aMirroredCopyWithoutExactlyOneWellFormedOriginOffsetIsDeadLettered() {
        TestInputTopic<String, byte[]> wal = topic("us-west.maia.wal.acme");
        byte[] entry = codec.encode(write("m15", "copied", 1_000, "us-west"));
        wal.pipeInput(withHeaders("m15", entry));
        wal.pipeInput(withHeaders("m15", entry, WalHeaders.encodeLong(-1)));
        wal.pipeInput(withHeaders("m15", entry, new byte[]{1, 2, 3, 4}));
        // Carried the header already on us-west's local log (refused there), MirrorMaker appended its own.
        wal.pipeInput(withHeaders("m15", entry, WalHeaders.encodeLong(1L << 62), WalHeaders.encodeLong(3)));

        assertThat(store.current("acme", ResourceType.memory, "m15")).isEmpty();
        assertThat(dlq.readRecordsToList()).extracting(this::reason).containsExactly(
                "origin_offset_missing", "bad_origin_offset", "bad_origin_offset", "origin_offset_on_local_log");
        assertThat(positions.appliedOffset("us-west", "acme", 0)).isEqualTo(-1);
        assertThat(positions.isDeadLettered("us-west", "acme", 0, 3))
                .as("MirrorMaker's header places the copy of an entry refused at its origin: this region is past it too")
                .isTrue();
        assertThat(positions.passedVector("acme")).isEqualTo(Map.of("us-west/0", 3L));

        wal.pipeInput(mirrored("m15", entry, 4));
        assertThat(content("m15")).as("the intact copy still applies").isEqualTo("copied");
        assertThat(positions.appliedOffset("us-west", "acme", 0)).isEqualTo(4);
    }

    @Test
    void anEntryWhoseOriginIsNotItsLogsRegionIsDeadLettered() {
        topic("maia.wal.acme").pipeInput("m16", codec.encode(write("m16", "us-west's on ours", 1_000, "us-west")));
        topic("us-west.maia.wal.acme").pipeInput(mirrored("m17", codec.encode(write("m17", "tokyo's on us-west's", 1_000, "ap-tokyo")), 0));

        assertThat(store.current("acme", ResourceType.memory, "m16")).isEmpty();
        assertThat(store.current("acme", ResourceType.memory, "m17")).isEmpty();
        assertThat(dlq.readRecordsToList()).extracting(this::reason).containsExactly("origin_mismatch", "origin_mismatch");
        assertThat(errors("origin_mismatch")).isEqualTo(2.0);
        assertThat(positions.appliedOffset("eu-central", "acme", 0)).isEqualTo(-1);
        assertThat(positions.appliedOffset("us-west", "acme", 0)).isEqualTo(-1);
    }

    @Test
    void aDeadLetteredEntryMovesNoPositionAndTheNextAppliedOneDoes() {
        byte[] corrupt = codec.encode(write("m18", "corrupt", 1_000, "us-west"));
        corrupt[corrupt.length - 3] ^= 0x10;
        TestInputTopic<String, byte[]> wal = topic("us-west.maia.wal.acme");
        wal.pipeInput(mirrored("m18", codec.encode(write("m18", "v1", 900, "us-west")), 4));
        wal.pipeInput(mirrored("m18", corrupt, 5));

        assertThat(positions.appliedOffset("us-west", "acme", 0)).as("offset 5 was not applied").isEqualTo(4);
        driver.advanceWallClockTime(Duration.ofMillis(COMMIT_INTERVAL_MS));
        assertThat(store.appliedOffset("us-west", "acme", 0)).isEqualTo(4);

        wal.pipeInput(mirrored("m19", codec.encode(write("m19", "good", 1_001, "us-west")), 6));
        assertThat(content("m19")).isEqualTo("good");
        assertThat(positions.appliedOffset("us-west", "acme", 0)).isEqualTo(6);
        assertThat(content("m18")).isEqualTo("v1");
    }

    @Test
    void aDeadLetteredEntryDoesNotCountTowardASyncAcknowledgement() {
        byte[] corrupt = codec.encode(write("m20", "corrupt", 1_000, "us-west"));
        corrupt[corrupt.length - 3] ^= 0x10;
        TestInputTopic<String, byte[]> wal = topic("us-west.maia.wal.acme");
        wal.pipeInput(mirrored("m20", corrupt, 5));
        wal.pipeInput(mirrored("m21", codec.encode(write("m21", "good", 1_001, "us-west")), 6));

        // What this region publishes, as the writing region's sync wait reads it.
        PositionKey key = new PositionKey("us-west", "acme", 0);
        Position published = PositionPublisher.position("eu-central", key, positions.drainUnpublished().get(key));
        assertThat(published.getOffset()).isEqualTo(6);
        assertThat(PositionsView.holds(published, 6)).isTrue();
        assertThat(PositionsView.holds(published, 5)).as("a sync write at the dead-lettered offset").isFalse();
        assertThat(positions.isDeadLettered("us-west", "acme", 0, 5)).isTrue();
    }
}
