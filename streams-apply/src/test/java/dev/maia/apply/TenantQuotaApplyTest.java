package dev.maia.apply;

import dev.maia.schemas.topology.KafkaSecurity;
import dev.maia.apply.position.PositionTracker;
import dev.maia.apply.store.ChronicleReplicaStore;
import dev.maia.apply.store.StoreConfig;
import dev.maia.schemas.avro.Memory;
import dev.maia.schemas.avro.Operation;
import dev.maia.schemas.avro.ResourceType;
import dev.maia.schemas.avro.WALEntry;
import dev.maia.schemas.wal.AvroClasses;
import dev.maia.schemas.wal.HybridLogicalClock;
import dev.maia.schemas.wal.SingleObjectWalCodec;
import dev.maia.schemas.wal.WalEntries;
import dev.maia.schemas.wal.WalTopics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A tenant at its store quota (issue 12: one tenant filled the shared store, and a full store stopped
 * applying for every tenant): its growing entries are dead-lettered with a reason, its deletes apply,
 * and every other tenant keeps applying.
 */
class TenantQuotaApplyTest {
    static {
        AvroClasses.trust();
    }

    private static final long QUOTA = 2_000;
    private static final String CONTENT = "x".repeat(600);
    private final SingleObjectWalCodec codec = new SingleObjectWalCodec();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    @TempDir
    Path dir;
    private ChronicleReplicaStore store;
    private TopologyTestDriver driver;
    private TestOutputTopic<String, byte[]> dlq;

    @BeforeEach
    void start() {
        store = ChronicleReplicaStore.open(new StoreConfig(dir.resolve("store"), 10_000, 1_024, 1_000, QUOTA), codec);
        driver = new TopologyTestDriver(ApplyTopology.build("eu-central", codec, store, new PositionTracker(store),
                        tenant -> true, registry, (r, e) -> { }, 100),
                ApplyStreams.streamsProperties(ApplyConfig.defaults("eu-central", "unused:9092", KafkaSecurity.plaintext(), dir)));
        dlq = driver.createOutputTopic(WalTopics.DLQ, Serdes.String().deserializer(), Serdes.ByteArray().deserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
        store.close();
    }

    private TestInputTopic<String, byte[]> log(String tenant) {
        return driver.createInputTopic("maia.wal." + tenant, Serdes.String().serializer(), Serdes.ByteArray().serializer());
    }

    private static WALEntry memory(Operation op, String tenant, String id, long millis) {
        Instant t = Instant.ofEpochMilli(millis);
        Memory m = Memory.newBuilder().setId(id).setNamespace("ns").setContent(CONTENT).setCreatedAt(t).setUpdatedAt(t).build();
        return WalEntries.memoryChange(op, tenant, id, "ns", m, HybridLogicalClock.pack(millis, 0), "eu-central", 0);
    }

    @Test
    void aTenantOverItsQuotaIsDeadLetteredWhileAnotherTenantKeepsApplying() {
        TestInputTopic<String, byte[]> acme = log("acme");
        TestInputTopic<String, byte[]> globex = log("globex");
        // Interleaved, as the two logs arrive: acme writes far past its quota, globex stays under its own.
        for (int i = 0; i < 8; i++) {
            acme.pipeInput("a" + i, codec.encode(memory(Operation.CREATE, "acme", "a" + i, 1_000 + i)));
            if (i < 2) {
                globex.pipeInput("g" + i, codec.encode(memory(Operation.CREATE, "globex", "g" + i, 1_000 + i)));
            }
        }

        // acme stops growing once at its quota: at most one entry past it.
        long acmeBytes = store.entryBytesPerTenant().get("acme");
        assertThat(acmeBytes).isGreaterThanOrEqualTo(QUOTA).isLessThan(QUOTA + 1_000);
        assertThat(store.live("acme", ResourceType.memory, "a7")).isEmpty();
        List<TestRecord<String, byte[]>> dead = dlq.readRecordsToList();
        assertThat(dead).isNotEmpty().allSatisfy(r -> {
            assertThat(new String(r.headers().lastHeader("maia.dlq.reason").value(), StandardCharsets.UTF_8)).isEqualTo("quota_exceeded");
            assertThat(r.key()).startsWith("a");
        });
        assertThat(registry.get("maia.replication.errors").tag("reason", "quota_exceeded").counter().count()).isEqualTo(dead.size());
        // globex applied everything, before and after acme reached its quota.
        assertThat(store.live("globex", ResourceType.memory, "g0")).isPresent();
        assertThat(store.live("globex", ResourceType.memory, "g1")).isPresent();
        globex.pipeInput("g2", codec.encode(memory(Operation.CREATE, "globex", "g2", 1_100)));
        assertThat(store.live("globex", ResourceType.memory, "g2")).isPresent();
        assertThat(dlq.isEmpty()).isTrue();

        // A delete passes at the quota, and once under it acme grows again.
        acme.pipeInput("a0", codec.encode(memory(Operation.DELETE, "acme", "a0", 2_000)));
        acme.pipeInput("a1", codec.encode(memory(Operation.DELETE, "acme", "a1", 2_001)));
        assertThat(store.live("acme", ResourceType.memory, "a0")).isEmpty();
        acme.pipeInput("a9", codec.encode(memory(Operation.CREATE, "acme", "a9", 2_002)));
        assertThat(store.live("acme", ResourceType.memory, "a9")).isPresent();
    }
}
