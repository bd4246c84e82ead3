package dev.maia.localcluster;

import dev.maia.schemas.avro.PlacementMode;
import dev.maia.schemas.wal.WalTopics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.connect.mirror.MirrorMakerConfig;
import org.apache.kafka.connect.mirror.SourceAndTarget;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

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
 * The placement-aware MM2 topic filter with real brokers and the real MM2 of the shared three-region stack
 * (filter on, the default): a tenant's WAL reaches exactly the regions that hold it, and placement changes
 * take effect while MM2 keeps running.
 */
class PlacementFilterMirroringTest {

    private static final String US = "us-west";
    private static final String EU = "eu-central";
    private static final String AP = "ap-tokyo";
    private static final Duration ARRIVAL_TIMEOUT = Duration.ofSeconds(90);
    /** Several topic refreshes (2 s each): what a wrong decision would need to show up. */
    private static final Duration SETTLE = Duration.ofSeconds(5);

    private static LocalRegions regions;

    @BeforeAll
    static void startStack() {
        regions = SharedRegions.get();
    }

    @Test
    void aSingleRegionTenantNeverLeavesItsRegion() {
        String single = "s" + unique();
        String control = "g" + unique();
        writePlacement(EU, placement(single, PlacementMode.single, EU, List.of(), 1));
        writePlacement(EU, placement(control, PlacementMode.global, EU, List.of(AP, US), 1));
        createTopic(EU, wal(single));
        createTopic(EU, wal(control));
        produce(EU, wal(single), 0, 1000);
        produce(EU, wal(control), 0, 1000);

        // The control tenant's topic appeared at the same refresh as the single one: once it has fully
        // arrived, MM2 has had its chance to take the single tenant too.
        for (String r : List.of(US, AP)) {
            awaitValues(r, remote(EU, control), values(0, 1000));
            assertThat(assignedPartitions(EU, r)).as("%s->%s source task partitions", EU, r)
                    .anyMatch(tp -> tp.startsWith(wal(control) + "-"))
                    .noneMatch(tp -> tp.startsWith(wal(single) + "-"));
        }
        sleep(SETTLE);
        for (String r : List.of(US, AP)) {
            assertThat(topics(r)).as("topics in %s", r).noneMatch(t -> t.contains(single));
            assertThat(assignedPartitions(EU, r)).noneMatch(tp -> tp.contains(single));
        }
        assertThat(topics(EU)).filteredOn(t -> t.contains(single)).containsExactly(wal(single));
    }

    @Test
    void aReplicatedTenantReachesItsReplicasOnlyAndAGlobalOneEveryRegion() {
        String replicated = "r" + unique();
        String global = "g" + unique();
        writePlacement(US, placement(replicated, PlacementMode.replicated, US, List.of(EU), 1));
        writePlacement(US, placement(global, PlacementMode.global, US, List.of(AP, EU), 1));
        createTopic(US, wal(replicated));
        createTopic(US, wal(global));
        produce(US, wal(replicated), 0, 500);
        produce(US, wal(global), 0, 500);

        awaitValues(EU, remote(US, replicated), values(0, 500));
        awaitValues(EU, remote(US, global), values(0, 500));
        awaitValues(AP, remote(US, global), values(0, 500));
        sleep(SETTLE);
        assertThat(topics(AP)).as("topics in %s", AP).noneMatch(t -> t.contains(replicated));
        // Copies are never mirrored onward, e.g. eu-central.us-west.maia.wal.<r> in ap-tokyo.
        for (String r : List.of(US, EU, AP)) {
            assertThat(topics(r)).as("topics in %s", r)
                    .noneMatch(t -> t.matches("[a-z0-9-]+\\.[a-z0-9-]+\\.maia\\.wal\\..*"));
        }
    }

    @Test
    void singleToGlobalAtRuntimeShipsTheWholeHistoryWithoutRestartingMirrorMaker() {
        String tenant = "m" + unique();
        String control = "c" + unique();
        writePlacement(AP, placement(tenant, PlacementMode.single, AP, List.of(), 1));
        writePlacement(AP, placement(control, PlacementMode.global, AP, List.of(EU, US), 1));
        createTopic(AP, wal(tenant));
        createTopic(AP, wal(control));
        produce(AP, wal(tenant), 0, 300);
        produce(AP, wal(control), 0, 300);
        for (String r : List.of(US, EU)) {
            awaitValues(r, remote(AP, control), values(0, 300));
        }
        sleep(SETTLE);
        for (String r : List.of(US, EU)) {
            assertThat(topics(r)).as("before the change, topics in %s", r).noneMatch(t -> t.contains(tenant));
        }

        long t0 = System.nanoTime();
        writePlacement(AP, placement(tenant, PlacementMode.global, AP, List.of(EU, US), 2));
        produce(AP, wal(tenant), 300, 100);
        for (String r : List.of(US, EU)) {
            // Every record, including all those written while the tenant was single.
            awaitValues(r, remote(AP, tenant), values(0, 400));
        }
        System.out.printf("single->global: history in both new regions %d ms after the placement change%n",
                (System.nanoTime() - t0) / 1_000_000);
        assertThat(regions.isMirrorRunning()).isTrue();
    }

    @Test
    void globalToSingleStopsMirroringNewRecords() {
        String tenant = "n" + unique();
        String control = "c" + unique();
        writePlacement(US, placement(tenant, PlacementMode.global, US, List.of(AP, EU), 1));
        writePlacement(US, placement(control, PlacementMode.global, US, List.of(AP, EU), 1));
        createTopic(US, wal(tenant));
        createTopic(US, wal(control));
        produce(US, wal(tenant), 0, 200);
        produce(US, wal(control), 0, 100);
        for (String r : List.of(EU, AP)) {
            awaitValues(r, remote(US, tenant), values(0, 200));
            awaitValues(r, remote(US, control), values(0, 100));
        }

        writePlacement(US, placement(tenant, PlacementMode.single, US, List.of(), 2));
        // The decision is visible in the source tasks' assignment that MM2 stores in its config topic.
        for (String r : List.of(EU, AP)) {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                    .until(() -> assignedPartitions(US, r).stream().noneMatch(tp -> tp.startsWith(wal(tenant) + "-")));
        }
        // The old tasks stop right after the new assignment is stored; leave them time to go.
        sleep(Duration.ofSeconds(3));

        produce(US, wal(tenant), 200, 200);
        produce(US, wal(control), 100, 100);
        for (String r : List.of(EU, AP)) {
            awaitValues(r, remote(US, control), values(0, 200));
        }
        sleep(SETTLE);
        for (String r : List.of(EU, AP)) {
            Set<String> got = new HashSet<>(readValues(r, remote(US, tenant)));
            // The copy stays (purging it is the apply side's job) and gets nothing written after the change.
            assertThat(got).as("copy in %s", r).containsAll(values(0, 200)).doesNotContainAnyElementsOf(values(200, 200));
        }
    }

    // ---- helpers -------------------------------------------------------------------------------

    private static String wal(String tenant) {
        return WalTopics.wal(tenant);
    }

    private static String remote(String sourceRegion, String tenant) {
        return sourceRegion + "." + wal(tenant);
    }

    private static List<String> values(int from, int count) {
        return IntStream.range(from, from + count).mapToObj(i -> "change-" + i).toList();
    }

    private static void produce(String region, String topic, int from, int count) {
        try (KafkaProducer<String, String> p = producer(region)) {
            List<Future<RecordMetadata>> sends = new ArrayList<>();
            for (int i = from; i < from + count; i++) {
                sends.add(p.send(new ProducerRecord<>(topic, "resource-" + (i % 17), "change-" + i)));
            }
            for (Future<RecordMetadata> f : sends) {
                f.get();
            }
        } catch (Exception e) {
            throw failure("cannot produce to " + topic, e);
        }
    }

    /** Waits until the topic in {@code region} holds every expected value (duplicates allowed). */
    private static void awaitValues(String region, String topic, List<String> expected) {
        await().atMost(ARRIVAL_TIMEOUT).pollInterval(Duration.ofMillis(500))
                .until(() -> new HashSet<>(readValues(region, topic)).containsAll(expected));
    }

    /** Every value in the topic now; empty if the topic does not exist. */
    private static List<String> readValues(String region, String topic) {
        if (!topics(region).contains(topic)) {
            return List.of();
        }
        return readRecords(region, topic).stream().map(ConsumerRecord::value).toList();
    }

    private static final Pattern ASSIGNED = Pattern.compile("\"task\\.assigned\\.partitions\":\"([^\"]*)\"");

    /**
     * The source partitions of flow {@code source->target}'s MirrorSourceConnector tasks as MM2 last stored
     * them in its config topic ({@code mm2-configs.<source>.internal} in the target cluster): what the topic
     * filter decided at the latest refresh that changed anything.
     */
    private static Set<String> assignedPartitions(String source, String target) {
        String configTopic = new MirrorMakerConfig(regions.mirrorConfig())
                .workerConfig(new SourceAndTarget(source, target)).get("config.storage.topic");
        Map<String, String> latestTask = new HashMap<>();
        // The config topic has one partition, so its records come in the order MM2 wrote them.
        for (ConsumerRecord<String, String> r : readRecords(target, configTopic)) {
            if (r.key() != null && r.key().startsWith("task-MirrorSourceConnector-")) {
                latestTask.put(r.key(), r.value());
            }
        }
        return latestTask.values().stream()
                .map(v -> Optional.ofNullable(v).map(ASSIGNED::matcher).filter(Matcher::find).map(m -> m.group(1)).orElse(""))
                .flatMap(s -> Arrays.stream(s.split(",")))
                .filter(s -> !s.isBlank())
                .collect(Collectors.toCollection(TreeSet::new));
    }
}
