package dev.maia.localcluster;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.QuorumInfo;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import java.util.Objects;
import org.apache.kafka.clients.admin.ReplicaInfo;

/**
 * Real brokers: a three-node control cluster of its own (not the shared regions': this test stops nodes),
 * taken through the loss of one node, of a majority, and back; every acknowledged write must survive.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class LocalControlClusterTest {

    private static final List<String> REGIONS = List.of("us-west", "eu-central", "ap-tokyo");
    private static final String TOPIC = "maia.control.test";

    @TempDir
    static Path work;
    private static LocalControlCluster cluster;
    /** Every value an acks=all write acknowledged, in order; one partition, so also the log's order. */
    private static final List<String> acknowledged = new ArrayList<>();
    /** The value of the write refused while a majority was down. */
    private static String refused;
    private static String firstStopped;
    private static String secondStopped;

    @BeforeAll
    static void start() {
        cluster = LocalControlCluster.start(REGIONS, work);
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void formsOneQuorumOfEveryRegionsNodeListeningOnLoopbackOnly() throws Exception {
        assertThat(cluster.regionNames()).containsExactlyElementsOf(REGIONS);
        assertThat(cluster.replicationFactor()).isEqualTo(3);
        assertThat(cluster.minInsyncReplicas()).isEqualTo(2);
        assertThat(cluster.bootstrapServers()).isEqualTo(String.join(",",
                REGIONS.stream().map(cluster::bootstrapServers).toList()));
        try (Admin admin = admin()) {
            List<Node> brokers = new ArrayList<>(admin.describeCluster().nodes().get());
            assertThat(brokers).hasSize(3).allSatisfy(n -> assertThat(n.host()).isEqualTo("127.0.0.1"));
            QuorumInfo quorum = admin.describeMetadataQuorum().quorumInfo().get();
            assertThat(quorum.voters()).hasSize(3);
            assertThat(quorum.leaderId()).isIn(brokers.stream().map(Node::id).toList());
        }
        for (String region : REGIONS) {
            Path dir = work.resolve("control-" + region);
            Properties props = new Properties();
            try (var in = Files.newBufferedReader(dir.resolve("server.properties"))) {
                props.load(in);
            }
            assertThat(props.getProperty("listeners")).matches(
                    "PLAINTEXT://127\\.0\\.0\\.1:\\d+,CONTROLLER://127\\.0\\.0\\.1:\\d+");
            assertThat(props.getProperty("controller.quorum.voters").split(",")).hasSize(3);
            assertThat(props).containsEntry("default.replication.factor", "3")
                    .containsEntry("min.insync.replicas", "2")
                    .containsEntry("offsets.topic.replication.factor", "3")
                    .containsEntry("transaction.state.log.min.isr", "2")
                    .containsEntry("unclean.leader.election.enable", "false");
            // Bound, not just configured: no port answers on a non-loopback address of this machine.
            Optional<InetAddress> external = nonLoopbackAddress();
            for (String listener : props.getProperty("listeners").split(",")) {
                int port = Integer.parseInt(listener.substring(listener.lastIndexOf(':') + 1));
                assertThat(accepts(InetAddress.getLoopbackAddress(), port)).as("%s on loopback", listener).isTrue();
                external.ifPresent(a -> assertThat(accepts(a, port)).as("%s on %s", listener, a).isFalse());
            }
        }
    }

    @Test
    @Order(2)
    void aTopicOnEveryNodeWithAMajorityInSyncTakesAcksAllWrites() throws Exception {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 3)
                    .configs(Map.of("min.insync.replicas", "2")))).all().get();
        }
        produceAcknowledged("before", 20, Duration.ofSeconds(30));
        assertThat(readAll()).containsExactlyElementsOf(acknowledged);
    }

    @Test
    @Order(3)
    void withOneNodeStoppedWritesStillSucceed() throws Exception {
        // The partition's leader, so that leadership has to move.
        firstStopped = regionOf(partition().leader());
        cluster.stopNode(firstStopped);
        assertThat(cluster.isRunning(firstStopped)).isFalse();
        // Moved before the stop completed; a broker may learn of it a moment later.
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .untilAsserted(() -> assertThat(regionOf(partition().leader())).isNotEqualTo(firstStopped));

        produceAcknowledged("one-down", 20, Duration.ofSeconds(30));
        assertThat(readAll()).containsExactlyElementsOf(acknowledged);
    }

    @Test
    @Order(4)
    void withAMajorityStoppedAnAcksAllWriteIsRefusedAndNotAppended() throws Exception {
        secondStopped = REGIONS.stream().filter(r -> !r.equals(firstStopped)).findFirst().orElseThrow();
        String survivor = REGIONS.stream().filter(r -> !r.equals(firstStopped) && !r.equals(secondStopped))
                .findFirst().orElseThrow();
        refused = "refused-" + System.nanoTime();
        // A writer that got its producer id while the quorum was there, like a long-lived control-log
        // writer: a producer that first asks for one without a quorum waits for it with no bound at all
        // (the broker cannot allocate ids without the controller; delivery.timeout.ms does not cover it).
        try (KafkaProducer<String, String> p = producer(Duration.ofSeconds(8))) {
            p.send(new ProducerRecord<>(TOPIC, "last-acknowledged", "last-acknowledged")).get(30, TimeUnit.SECONDS);
            acknowledged.add("last-acknowledged");

            cluster.stopNode(secondStopped);
            long sizeBefore = logSizeOn(survivor);
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> p.send(new ProducerRecord<>(TOPIC, refused, refused)).get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOfAny(NotEnoughReplicasException.class, TimeoutException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(20));
            // Refused before the append: the survivor's log did not grow.
            assertThat(logSizeOn(survivor)).isEqualTo(sizeBefore);
        }
    }

    @Test
    @Order(5)
    void restartedNodesRejoinAndNothingAcknowledgedIsLost() throws Exception {
        // The first restart finds only the survivor: the two of them must form the controller quorum again.
        cluster.startNode(firstStopped);
        cluster.startNode(secondStopped);
        assertThat(REGIONS).allSatisfy(r -> assertThat(cluster.isRunning(r)).isTrue());
        try (Admin admin = admin()) {
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .untilAsserted(() -> assertThat(admin.describeCluster().nodes().get()).hasSize(3));
        }

        produceAcknowledged("after", 20, Duration.ofSeconds(60));
        assertThat(readAll()).containsExactlyElementsOf(acknowledged).doesNotContain(refused);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(partition().isr()).hasSize(3));
    }

    @Test
    @Order(6)
    void aNodeCannotStartWithoutAMajorityButSeveralCanTogether() throws Exception {
        REGIONS.forEach(cluster::stopNode);
        assertThatThrownBy(() -> cluster.startNode(REGIONS.get(0)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("quorum needs 2");
        assertThat(cluster.isRunning(REGIONS.get(0))).isFalse();

        cluster.startNodes(REGIONS);
        assertThat(readAll()).containsExactlyElementsOf(acknowledged);
        produceAcknowledged("all-restarted", 5, Duration.ofSeconds(60));
        assertThat(readAll()).containsExactlyElementsOf(acknowledged);
    }

    @Test
    @Order(7)
    void closeDoesNotHangWithAMajorityStopped() {
        cluster.stopNode(REGIONS.get(0));
        cluster.stopNode(REGIONS.get(1));
        long t0 = System.nanoTime();
        cluster.close();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(30));
        assertThat(REGIONS).noneSatisfy(r -> assertThat(cluster.isRunning(r)).isTrue());
        cluster.close(); // idempotent
        assertThatThrownBy(() -> cluster.startNode(REGIONS.get(0))).isInstanceOf(IllegalStateException.class);
        cluster.deleteData();
        REGIONS.forEach(r -> assertThat(work.resolve("control-" + r)).doesNotExist());
    }

    // ---- no brokers needed ---------------------------------------------------------------------

    @Test
    void rejectsBadRegionListsBeforeStartingAnything(@TempDir Path dir) {
        assertThatThrownBy(() -> LocalControlCluster.start(List.of(), dir)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LocalControlCluster.start(List.of("a", "a"), dir))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("duplicate");
        assertThatThrownBy(() -> LocalControlCluster.start(List.of("US West"), dir))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void refusesToWipeADirectoryItDidNotCreate(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("control-x"));
        Files.writeString(dir.resolve("control-x").resolve("keep.txt"), "x");
        assertThatThrownBy(() -> LocalControlCluster.start(List.of("x"), dir)).hasStackTraceContaining("refusing to wipe");
        assertThat(dir.resolve("control-x").resolve("keep.txt")).exists();
    }

    // ---- helpers -------------------------------------------------------------------------------

    private static Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000));
    }

    private static KafkaProducer<String, String> producer(Duration deliveryTimeout) {
        int ms = (int) deliveryTimeout.toMillis();
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(ms, 5_000),
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, ms,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, ms), new StringSerializer(), new StringSerializer());
    }

    /** Writes {@code count} records one by one, each acknowledged by acks=all before the next. */
    private static void produceAcknowledged(String prefix, int count, Duration deliveryTimeout) throws Exception {
        try (KafkaProducer<String, String> p = producer(deliveryTimeout)) {
            for (int i = 0; i < count; i++) {
                String v = prefix + "-" + i;
                // Bounded: a producer without a producer id would otherwise wait forever.
                p.send(new ProducerRecord<>(TOPIC, v, v)).get(deliveryTimeout.toSeconds() + 30, TimeUnit.SECONDS);
                acknowledged.add(v);
            }
        }
    }

    /** Every value of the topic, from the beginning to its end offset now. */
    private static List<String> readAll() {
        List<String> out = new ArrayList<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()),
                new StringDeserializer(), new StringDeserializer())) {
            TopicPartition tp = new TopicPartition(TOPIC, 0);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long end = c.endOffsets(List.of(tp), Duration.ofSeconds(30)).get(tp);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (c.position(tp, Duration.ofSeconds(30)) < end && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
                    out.add(r.value());
                }
            }
        }
        return out;
    }

    private static TopicPartitionInfo partition() throws Exception {
        try (Admin admin = admin()) {
            TopicDescription d = admin.describeTopics(List.of(TOPIC)).allTopicNames().get().get(TOPIC);
            return d.partitions().get(0);
        }
    }

    private static String regionOf(Node broker) {
        String address = broker.host() + ":" + broker.port();
        return REGIONS.stream().filter(r -> cluster.bootstrapServers(r).equals(address)).findFirst()
                .orElseThrow(() -> new AssertionError("no region at " + address));
    }

    /** The bytes of the topic's log on one region's node, as that node reports them. */
    private static long logSizeOn(String region) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(region),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000))) {
            int nodeId = admin.describeCluster().nodes().get().stream()
                    .filter(n -> (n.host() + ":" + n.port()).equals(cluster.bootstrapServers(region)))
                    .findFirst().orElseThrow().id();
            return admin.describeLogDirs(List.of(nodeId)).allDescriptions().get().get(nodeId).values().stream()
                    .map(d -> d.replicaInfos().get(new TopicPartition(TOPIC, 0)))
                    .filter(Objects::nonNull)
                    .mapToLong(ReplicaInfo::size)
                    .sum();
        }
    }

    private static boolean accepts(InetAddress address, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address, port), 1_000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static Optional<InetAddress> nonLoopbackAddress() throws IOException {
        for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!ni.isUp() || ni.isLoopback()) {
                continue;
            }
            for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                if (!a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                    return Optional.of(a);
                }
            }
        }
        return Optional.empty();
    }
}
