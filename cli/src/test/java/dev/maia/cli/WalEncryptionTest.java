package dev.maia.cli;

import dev.maia.schemas.avro.Memory;
import dev.maia.schemas.avro.Operation;
import dev.maia.schemas.avro.WALEntry;
import dev.maia.schemas.wal.SingleObjectWalCodec;
import dev.maia.schemas.wal.WalEntries;
import dev.maia.schemas.wal.WalTopics;
import dev.maia.schemas.wal.crypt.EncryptedWalCodec;
import dev.maia.schemas.wal.crypt.WalKeyring;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An encrypted WAL on the real three-region stack: us-west writes under a keyring, ap-tokyo (its
 * replica) reads with one. Both regions are restarted with a keyring for this class and restored after
 * it, so that the other tests see the stack as they always do.
 */
class WalEncryptionTest extends RegionsTest {
    private static final String WRITER = "us-west";
    private static final String REPLICA = "ap-tokyo";
    private static final SecureRandom random = new SecureRandom();
    private static final String K1 = newKey();
    private static final String K2 = newKey();
    private static final SingleObjectWalCodec plain = new SingleObjectWalCodec();

    private static RegionConfig writerBefore;
    private static RegionConfig replicaBefore;
    private static TestStack.Tenant canary;
    private static TestStack.Tenant rotating;
    private static TestStack.Tenant poisoned;
    private static TestStack.Tenant keyless;
    private static TestStack.Tenant produced;
    /** Rotation in progress: every region knows k1 and k2, the rotating tenant writes under k2. */
    private static Path rotated;

    private static String newKey() {
        byte[] key = new byte[WalKeyring.KEY_BYTES];
        random.nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    @BeforeAll
    static void encryptTheWal() throws Exception {
        canary = TestStack.tenant();
        rotating = TestStack.tenant();
        poisoned = TestStack.tenant();
        keyless = TestStack.tenant();
        produced = TestStack.tenant();
        for (TestStack.Tenant t : List.of(canary, rotating, poisoned, produced)) {
            TestStack.place(t.id(), "replicated", WRITER, REPLICA);
        }
        TestStack.place(keyless.id(), "single", WRITER);

        Path dir = Files.createDirectories(Path.of("target", "wal-keyrings", UUID.randomUUID().toString()));
        // No default: the other tests' tenants have no key here; the regions are restored before they run.
        String tenants = "tenant." + canary.id() + " = k1\ntenant." + poisoned.id() + " = k1\ntenant." + produced.id() + " = k1\n";
        Path initial = Files.writeString(dir.resolve("initial.properties"),
                "key.k1 = " + K1 + "\nkey.k2 = " + K2 + "\n" + tenants + "tenant." + rotating.id() + " = k1\n");
        rotated = Files.writeString(dir.resolve("rotated.properties"),
                "key.k1 = " + K1 + "\nkey.k2 = " + K2 + "\n" + tenants + "tenant." + rotating.id() + " = k2\n");

        writerBefore = nodes.config(WRITER);
        replicaBefore = nodes.config(REPLICA);
        restart(REPLICA, replicaBefore.with(Map.of(RegionConfig.WAL_KEYRING_FILE, rotated.toString())));
        restart(WRITER, writerBefore.with(Map.of(RegionConfig.WAL_KEYRING_FILE, initial.toString())));
    }

    @AfterAll
    static void restoreThePlaintextWal() throws Exception {
        restart(WRITER, writerBefore);
        restart(REPLICA, replicaBefore);
    }

    private static void restart(String region, RegionConfig config) throws Exception {
        nodes.stopRegion(region);
        nodes.startRegion(region, config);
    }

    private static String memory(String region, TestStack.Tenant t, String id) {
        return TestStack.awaitGet(region, "/v1/memories/" + id, t.key(), 200).body().get("content").asText();
    }

    private static boolean contains(byte[] bytes, String text) {
        return new String(bytes, StandardCharsets.ISO_8859_1).contains(text);
    }

    private static String reason(ConsumerRecord<String, byte[]> dlq) {
        return new String(dlq.headers().lastHeader("maia.dlq.reason").value(), StandardCharsets.UTF_8);
    }

    @Test
    void aConsumerOfTheWalFindsNoPlaintextOfAMemoryJustWritten() throws Exception {
        String content = "canary " + UUID.randomUUID();
        MaiaClient.Reply r = client.send("POST", url(WRITER, "/v1/memories"), canary.key(),
                "{\"namespace\":\"private-ns\",\"content\":\"" + content + "\",\"tags\":[\"canary-tag\"]}");
        assertThat(r.status()).as("%s", r.body()).isEqualTo(201);
        String id = r.body().get("id").asText();

        // Both regions apply it and answer it in plaintext: the store holds what reads need.
        assertThat(memory(WRITER, canary, id)).isEqualTo(content);
        assertThat(memory(REPLICA, canary, id)).isEqualTo(content);

        List<ConsumerRecord<String, byte[]>> local = TestStack.readAll(WRITER, WalTopics.wal(canary.id()));
        List<ConsumerRecord<String, byte[]>> mirrored = TestStack.readAll(REPLICA, WRITER + "." + WalTopics.wal(canary.id()));
        assertThat(local).isNotEmpty();
        assertThat(mirrored).isNotEmpty();
        for (ConsumerRecord<String, byte[]> record : concat(local, mirrored)) {
            assertThat(contains(record.value(), content)).as("memory content in %s", record.topic()).isFalse();
            assertThat(contains(record.value(), "canary-tag")).isFalse();
            assertThat(contains(record.value(), "private-ns")).isFalse();
            WALEntry raw = plain.decode(record.value());
            assertThat(raw.getSealed().getKeyId()).isEqualTo("k1");
            assertThat(raw.getData()).isNull();
        }
    }

    @Test
    void afterRotationNewEntriesAreUnderTheNewKeyAndEveryEntryStaysReadable() throws Exception {
        List<String> before = TestStack.writeMemories(WRITER, rotating.key(), 3, "before rotation");
        TestStack.awaitLive(REPLICA, rotating.id(), before);

        restart(WRITER, nodes.config(WRITER).with(Map.of(RegionConfig.WAL_KEYRING_FILE, rotated.toString())));
        List<String> after = TestStack.writeMemories(WRITER, rotating.key(), 3, "after rotation");

        List<String> all = concat(before, after);
        TestStack.awaitLive(REPLICA, rotating.id(), all);
        TestStack.awaitLive(WRITER, rotating.id(), all);
        for (String region : List.of(WRITER, REPLICA)) {
            assertThat(memory(region, rotating, before.get(0))).isEqualTo("before rotation 0");
            assertThat(memory(region, rotating, after.get(2))).isEqualTo("after rotation 2");
        }
        Map<String, String> keyOf = new TreeMap<>();
        for (ConsumerRecord<String, byte[]> record : TestStack.readAll(WRITER, WalTopics.wal(rotating.id()))) {
            WALEntry raw = plain.decode(record.value());
            keyOf.put(raw.getResourceId(), raw.getSealed().getKeyId());
        }
        before.forEach(id -> assertThat(keyOf).containsEntry(id, "k1"));
        after.forEach(id -> assertThat(keyOf).containsEntry(id, "k2"));
        assertThat(TestStack.count(REPLICA, "maia.replication.errors", rotating.id())).isZero();
    }

    @Test
    void entriesUnderAnUnknownOrAWrongKeyAreDeadLetteredAndLaterEntriesApply() throws Exception {
        // The first write creates the tenant's log (topics are never auto-created).
        List<String> first = TestStack.writeMemories(WRITER, poisoned.key(), 1, "before the poison");
        String secret = "forged secret " + UUID.randomUUID();
        byte[] unknownKey = EncryptedWalCodec.writing(plain, WalKeyring.of(
                Map.of("k-elsewhere", Base64.getDecoder().decode(newKey())), Map.of(), "k-elsewhere"))
                .encode(forged(poisoned.id(), "unknown-key", secret));
        // The right id with other key bytes: what a region with a stale or mistyped keyring would write.
        byte[] wrongKey = EncryptedWalCodec.writing(plain, WalKeyring.of(
                Map.of("k1", Base64.getDecoder().decode(newKey())), Map.of(), "k1"))
                .encode(forged(poisoned.id(), "wrong-key", secret));
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(TestStack.kafkaClient(WRITER),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(WalTopics.wal(poisoned.id()), "memory/unknown-key", unknownKey)).get();
            producer.send(new ProducerRecord<>(WalTopics.wal(poisoned.id()), "memory/wrong-key", wrongKey)).get();
        }
        List<String> later = TestStack.writeMemories(WRITER, poisoned.key(), 2, "after the poison");

        for (String region : List.of(WRITER, REPLICA)) {
            TestStack.awaitLive(region, poisoned.id(), concat(first, later));
            assertThat(memory(region, poisoned, later.get(1))).isEqualTo("after the poison 1");
            assertThat(TestStack.isLive(region, poisoned.id(), "unknown-key")).isFalse();
            assertThat(TestStack.isLive(region, poisoned.id(), "wrong-key")).isFalse();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                Map<String, String> reasons = TestStack.readAll(region, WalTopics.DLQ).stream()
                        .filter(d -> d.key() != null && d.key().startsWith("memory/")
                                && (java.util.Arrays.equals(d.value(), unknownKey) || java.util.Arrays.equals(d.value(), wrongKey)))
                        .collect(Collectors.toMap(d -> d.key(), WalEncryptionTest::reason, (a, b) -> a));
                assertThat(reasons).containsEntry("memory/unknown-key", "no_key").containsEntry("memory/wrong-key", "decryption_failed");
            });
            String metrics = nodes.node(region).registry().scrape();
            assertThat(metrics).contains("maia_replication_errors_total{origin_region=\"" + WRITER + "\",reason=\"no_key\",region=\""
                    + region + "\",tenant=\"" + poisoned.id() + "\"} 1.0");
            assertThat(metrics).contains("maia_replication_errors_total{origin_region=\"" + WRITER
                    + "\",reason=\"decryption_failed\",region=\"" + region + "\",tenant=\"" + poisoned.id() + "\"} 1.0");
        }
        // The DLQ holds the records as they came: ciphertext, never the content.
        for (ConsumerRecord<String, byte[]> d : TestStack.readAll(REPLICA, WalTopics.DLQ)) {
            assertThat(contains(d.value(), secret)).isFalse();
        }
    }

    @Test
    void aTenantWithoutAKeyIsRefusedRatherThanWrittenInPlaintext() throws Exception {
        MaiaClient.Reply r = client.send("POST", url(WRITER, "/v1/memories"), keyless.key(),
                "{\"namespace\":\"n\",\"content\":\"must not reach the log\"}");
        assertThat(r.status()).as("%s", r.body()).isEqualTo(503);
        assertThat(r.body().get("code").asText()).isEqualTo("NO_WAL_KEY");
        String batch = "{\"memories\":[{\"namespace\":\"n\",\"content\":\"one\"},{\"namespace\":\"n\",\"content\":\"two\"}]}";
        MaiaClient.Reply refusedBatch = client.send("POST", url(WRITER, "/v1/memories/batch"), keyless.key(), batch);
        assertThat(refusedBatch.status()).as("%s", refusedBatch.body()).isEqualTo(503);
        assertThat(refusedBatch.body().get("code").asText()).isEqualTo("NO_WAL_KEY");
        // The refused batch left no transaction open: the next batch, of a tenant with a key, is written.
        MaiaClient.Reply next = client.send("POST", url(WRITER, "/v1/memories/batch"), canary.key(), batch);
        assertThat(next.status()).as("%s", next.body()).isEqualTo(201);

        Set<String> topics = TestStack.topics(WRITER);
        if (topics.contains(WalTopics.wal(keyless.id()))) {
            for (ConsumerRecord<String, byte[]> record : TestStack.readAll(WRITER, WalTopics.wal(keyless.id()))) {
                assertThat(contains(record.value(), "must not reach the log")).isFalse();
            }
        }
    }

    @Test
    void maiaProduceStraightToKafkaEncryptsWithTheKeyring() throws Exception {
        TestStack.CommandRun run = TestStack.maia("produce", "--topology", TestStack.topologyFile().toString(), "--region", WRITER,
                "--count", "20", "--tenants", produced.id(), "--via", "kafka", "--wal-keyring", rotated.toString(), "--json");
        assertThat(run.exit()).as(run.out()).isZero();
        assertThat(run.json().get("errors").asLong()).isZero();

        List<ConsumerRecord<String, byte[]>> log = TestStack.readAll(WRITER, WalTopics.wal(produced.id()));
        assertThat(log).hasSize(20);
        List<String> ids = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : log) {
            WALEntry raw = plain.decode(record.value());
            assertThat(raw.getSealed().getKeyId()).isEqualTo("k1");
            assertThat(raw.getData()).isNull();
            ids.add(raw.getResourceId());
        }
        TestStack.awaitLive(REPLICA, produced.id(), ids);
    }

    private static WALEntry forged(String tenant, String id, String content) {
        Instant now = Instant.now();
        Memory m = Memory.newBuilder().setId(id).setNamespace("n").setContent(content).setCreatedAt(now).setUpdatedAt(now).build();
        return WalEntries.memoryChange(Operation.CREATE, tenant, id, "n", m, now.toEpochMilli() << 16, WRITER, 1);
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
