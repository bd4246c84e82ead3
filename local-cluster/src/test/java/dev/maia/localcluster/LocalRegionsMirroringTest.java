package dev.maia.localcluster;

import dev.maia.mirror.MirrorConfig;
import dev.maia.schemas.avro.PlacementMode;
import dev.maia.schemas.wal.WalHeaders;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static dev.maia.localcluster.SharedRegionsHelpers.createTopic;
import static dev.maia.localcluster.SharedRegionsHelpers.failure;
import static dev.maia.localcluster.SharedRegionsHelpers.placement;
import static dev.maia.localcluster.SharedRegionsHelpers.producer;
import static dev.maia.localcluster.SharedRegionsHelpers.readRecords;
import static dev.maia.localcluster.SharedRegionsHelpers.sleep;
import static dev.maia.localcluster.SharedRegionsHelpers.topics;
import static dev.maia.localcluster.SharedRegionsHelpers.unique;
import static dev.maia.localcluster.SharedRegionsHelpers.writePlacement;
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
        // One broker per cluster: MM2 gets one replica explicitly, not the declared default (-1, the cluster's).
        MirrorConfig.REPLICATION_FACTOR_KEYS.forEach(k -> assertThat(regions.mirrorConfig()).as(k).containsEntry(k, "1"));
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

    /** A global placement of the topic's tenant, primary {@code region}, written in that region's cluster. */
    private static void placeGlobally(String region, String walTopic) {
        String tenant = walTopic.substring("maia.wal.".length());
        List<String> replicas = regions.regionNames().stream().filter(r -> !r.equals(region)).sorted().toList();
        writePlacement(region, placement(tenant, PlacementMode.global, region, replicas, 1));
    }

    private static List<Sent> produce(String region, String topic, int from, int count) {
        List<Sent> sent = new ArrayList<>();
        try (KafkaProducer<String, String> p = producer(region)) {
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
            throw failure("cannot produce to " + topic, e);
        }
        return sent;
    }

    /** Reads the whole remote topic until it holds at least {@code count} records. */
    private static Map<Integer, List<ConsumerRecord<String, String>>> awaitRecords(String region, String topic, int count) {
        return awaitRecords(region, topic, got -> got.values().stream().mapToInt(List::size).sum() >= count);
    }

    /** Reads the whole remote topic until it holds at least {@code count} distinct origin records. */
    private static Map<Integer, List<ConsumerRecord<String, String>>> awaitDistinctOrigins(String region, String topic, int count) {
        return awaitRecords(region, topic, got -> got.values().stream().flatMap(List::stream)
                .map(r -> r.partition() + "@" + originOffset(r)).distinct().count() >= count);
    }

    private static Map<Integer, List<ConsumerRecord<String, String>>> awaitRecords(String region, String topic,
            Predicate<Map<Integer, List<ConsumerRecord<String, String>>>> enough) {
        Map<Integer, List<ConsumerRecord<String, String>>> result = new HashMap<>();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
            result.clear();
            result.putAll(readAll(region, topic));
            return enough.test(result);
        });
        return result;
    }

    /** The topic's records by partition, each partition in order; empty while the topic does not exist. */
    private static Map<Integer, List<ConsumerRecord<String, String>>> readAll(String region, String topic) {
        try {
            return readRecords(region, topic).stream().collect(Collectors.groupingBy(ConsumerRecord::partition));
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            // The remote topic does not exist yet.
            return new HashMap<>();
        }
    }
}
