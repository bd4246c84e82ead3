package dev.maia.localcluster;

import dev.maia.schemas.avro.Placement;
import dev.maia.schemas.avro.PlacementMode;
import dev.maia.control.config.TopicReplication;
import dev.maia.control.placement.PlacementWriter;
import dev.maia.schemas.wal.AvroClasses;
import dev.maia.schemas.wal.WalHeaders;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Real brokers, real MirrorMaker 2: the shared three-region stack of this JVM. Its MM2 runs with the
 * placement filter on (the default), so every tenant here gets a global placement before its topic exists.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalRegionsMirroringTest {

    private static final String A = "us-west";
    private static final String B = "eu-central";
    private static final String C = "ap-tokyo";
    private static final int PARTITIONS = 3;

    private static LocalRegions regions;

    @BeforeAll
    static void startStack() {
        regions = SharedRegions.get();
    }

    /** What was written in the origin region: partition and offset of each key, in send order. */
    private record Sent(String key, String value, int partition, long offset) {
    }

    @Test
    @Order(1)
    void topologyNamesEveryRegionWithItsLoopbackCluster() {
        assertThat(regions.topology().regionNames()).containsExactly(A, B, C);
        for (String r : List.of(A, B, C)) {
            assertThat(regions.topology().requireRegion(r).bootstrapServers())
                    .isEqualTo(regions.bootstrapServers(r))
                    .isEqualTo(regions.cluster(r).bootstrapServers())
                    .startsWith("127.0.0.1:");
        }
        assertThat(regions.isMirrorRunning()).isTrue();
    }

    @Test
    @Order(2)
    void walRecordsArriveInEveryOtherRegionInOrderWithTheirOriginOffset() {
        String topic = "maia.wal.t" + unique();
        placeGlobally(A, topic);
        createTopic(A, topic);
        List<Sent> sent = produce(A, topic, 0, 100);

        String remote = A + "." + topic;
        for (String region : List.of(B, C)) {
            Map<Integer, List<ConsumerRecord<String, String>>> got = awaitRecords(region, remote, 100);
            assertSameRecordsInOrder(sent, got);
        }

        // A copy is never mirrored onward or back: MM2's topics pattern only matches local WAL names.
        // Wait out several topic refreshes (2 s each) before looking.
        sleep(Duration.ofSeconds(7));
        for (String region : List.of(A, B, C)) {
            assertThat(topics(region)).as("topics in %s", region)
                    .noneMatch(t -> t.endsWith("." + remote))
                    .noneMatch(t -> t.startsWith(region + "."));
        }
        assertThat(topics(A)).doesNotContain(remote);
    }

    @Test
    @Order(3)
    void stoppingAndRestartingTheMirrorLosesNothing() {
        String topic = "maia.wal.r" + unique();
        placeGlobally(A, topic);
        createTopic(A, topic);
        String remote = A + "." + topic;
        List<Sent> sent = new ArrayList<>(produce(A, topic, 0, 50));
        awaitRecords(B, remote, 50);

        regions.stopMirror();
        assertThat(regions.isMirrorRunning()).isFalse();
        try {
            sent.addAll(produce(A, topic, 50, 50));
        } finally {
            regions.startMirror();
        }
        assertThat(regions.isMirrorRunning()).isTrue();

        // At-least-once: a restart may re-send a few records; none may be missing.
        Map<Integer, List<ConsumerRecord<String, String>>> got = awaitDistinctOrigins(B, remote, 100);
        for (Sent s : sent) {
            List<ConsumerRecord<String, String>> inPartition = got.getOrDefault(s.partition(), List.of());
            assertThat(inPartition).as("record %s", s)
                    .anySatisfy(r -> {
                        assertThat(originOffset(r)).isEqualTo(s.offset());
                        assertThat(r.key()).isEqualTo(s.key());
                        assertThat(r.value()).isEqualTo(s.value());
                    });
        }
        // Within a partition, first occurrences keep the origin order.
        got.values().forEach(list -> {
            List<Long> firsts = list.stream().map(LocalRegionsMirroringTest::originOffset).distinct().toList();
            assertThat(firsts).isSorted();
        });
    }

    // ---- helpers -------------------------------------------------------------------------------

    private static void assertSameRecordsInOrder(List<Sent> sent, Map<Integer, List<ConsumerRecord<String, String>>> got) {
        Map<Integer, List<Sent>> byPartition = sent.stream().collect(Collectors.groupingBy(Sent::partition));
        assertThat(got.keySet()).isSubsetOf(byPartition.keySet());
        byPartition.forEach((partition, expected) -> {
            List<ConsumerRecord<String, String>> actual = got.getOrDefault(partition, List.of());
            // No restart happened, so no duplicates: exactly the same sequence.
            assertThat(actual).as("partition %d", partition).hasSameSizeAs(expected);
            for (int i = 0; i < expected.size(); i++) {
                Sent e = expected.get(i);
                ConsumerRecord<String, String> r = actual.get(i);
                assertThat(r.partition()).isEqualTo(partition);
                assertThat(r.key()).isEqualTo(e.key());
                assertThat(r.value()).isEqualTo(e.value());
                assertThat(originOffset(r)).as("origin offset of %s", e).isEqualTo(e.offset());
                assertThat(new String(r.headers().lastHeader("app").value(), StandardCharsets.UTF_8))
                        .isEqualTo("kept");
            }
        });
    }

    private static long originOffset(ConsumerRecord<?, ?> r) {
        Header h = r.headers().lastHeader(WalHeaders.ORIGIN_OFFSET);
        assertThat(h).as("origin offset header on %s-%d@%d", r.topic(), r.partition(), r.offset()).isNotNull();
        return WalHeaders.decodeLong(h.value());
    }

    private static String unique() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    /** A global placement of the topic's tenant, primary {@code region}, written in that region's cluster. */
    private static void placeGlobally(String region, String walTopic) {
        AvroClasses.trust();
        String tenant = walTopic.substring("maia.wal.".length());
        List<String> replicas = regions.regionNames().stream().filter(r -> !r.equals(region)).sorted().toList();
        Placement p = Placement.newBuilder().setTenantId(tenant).setPrimaryRegion(region).setReplicas(replicas)
                .setMode(PlacementMode.global).setEpoch(1).setUpdatedIn(region).setUpdatedAt(Instant.now()).build();
        try (Admin admin = admin(region); PlacementWriter w = new PlacementWriter(regions.bootstrapServers(region))) {
            PlacementWriter.ensureTopic(admin, new TopicReplication((short) 1, 1));
            w.write(p);
        } catch (Exception e) {
            throw new AssertionError("cannot write the placement of " + tenant, e);
        }
    }

    private static Admin admin(String region) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, regions.bootstrapServers(region)));
    }

    private static void createTopic(String region, String topic) {
        try (Admin admin = admin(region)) {
            admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get();
        } catch (Exception e) {
            throw new AssertionError("cannot create " + topic, e);
        }
    }

    private static Set<String> topics(String region) {
        try (Admin admin = admin(region)) {
            return new TreeSet<>(admin.listTopics().names().get());
        } catch (Exception e) {
            throw new AssertionError("cannot list topics in " + region, e);
        }
    }

    private static List<Sent> produce(String region, String topic, int from, int count) {
        List<Sent> sent = new ArrayList<>();
        try (KafkaProducer<String, String> p = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, regions.bootstrapServers(region),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true), new StringSerializer(), new StringSerializer())) {
            for (int i = from; i < from + count; i++) {
                String key = "resource-" + (i % 17);
                String value = "change-" + i;
                ProducerRecord<String, String> rec = new ProducerRecord<>(topic, key, value);
                rec.headers().add("app", "kept".getBytes(StandardCharsets.UTF_8));
                // One at a time: the returned offsets are the truth the mirrored header must equal.
                RecordMetadata md = p.send(rec).get();
                sent.add(new Sent(key, value, md.partition(), md.offset()));
            }
        } catch (Exception e) {
            throw new AssertionError("cannot produce to " + topic, e);
        }
        return sent;
    }

    /** Reads the whole remote topic until it holds at least {@code count} records. */
    private static Map<Integer, List<ConsumerRecord<String, String>>> awaitRecords(String region, String topic, int count) {
        Map<Integer, List<ConsumerRecord<String, String>>> result = new HashMap<>();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
            result.clear();
            result.putAll(readAll(region, topic));
            return result.values().stream().mapToInt(List::size).sum() >= count;
        });
        return result;
    }

    private static Map<Integer, List<ConsumerRecord<String, String>>> awaitDistinctOrigins(String region, String topic, int count) {
        Map<Integer, List<ConsumerRecord<String, String>>> result = new HashMap<>();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
            result.clear();
            result.putAll(readAll(region, topic));
            long distinct = result.values().stream().flatMap(List::stream)
                    .map(r -> r.partition() + "@" + originOffset(r)).distinct().count();
            return distinct >= count;
        });
        return result;
    }

    private static Map<Integer, List<ConsumerRecord<String, String>>> readAll(String region, String topic) {
        Map<Integer, List<ConsumerRecord<String, String>>> byPartition = new HashMap<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, regions.bootstrapServers(region)),
                new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> tps = c.partitionsFor(topic, Duration.ofSeconds(5)).stream()
                    .map(pi -> new TopicPartition(topic, pi.partition())).toList();
            if (tps.isEmpty()) {
                return byPartition;
            }
            c.assign(tps);
            c.seekToBeginning(tps);
            Map<TopicPartition, Long> end = c.endOffsets(tps);
            long deadline = System.currentTimeMillis() + 10_000;
            while (tps.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
                    byPartition.computeIfAbsent(r.partition(), k -> new ArrayList<>()).add(r);
                }
            }
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            // The remote topic does not exist yet.
        }
        return byPartition;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
