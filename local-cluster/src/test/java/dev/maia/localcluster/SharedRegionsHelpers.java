package dev.maia.localcluster;

import dev.maia.schemas.topology.KafkaSecurity;
import dev.maia.control.log.ControlLogTopics;
import dev.maia.control.log.ControlProducer;
import dev.maia.schemas.avro.Placement;
import dev.maia.schemas.avro.PlacementMode;
import dev.maia.schemas.placement.Placements;
import dev.maia.schemas.wal.AvroClasses;
import dev.maia.schemas.wal.WalTopics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * What the mirroring tests do with the clusters of the shared regions ({@link SharedRegions}): write a
 * placement, create and list topics, produce to and read back a topic. Every call fails the test with an
 * {@link AssertionError} that says what could not be done.
 */
final class SharedRegionsHelpers {
    /** The partitions of every topic the tests create. */
    static final int PARTITIONS = 3;

    static {
        AvroClasses.trust();
    }

    private SharedRegionsHelpers() {
    }

    private static LocalRegions regions() {
        return SharedRegions.get();
    }

    /** A name part no other test uses. */
    static String unique() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    /** A placement of the tenant, updated now in its primary region. */
    static Placement placement(String tenant, PlacementMode mode, String primary, List<String> replicas, long epoch) {
        return Placement.newBuilder().setTenantId(tenant).setPrimaryRegion(primary).setReplicas(replicas)
                .setMode(mode).setEpoch(epoch).setUpdatedIn(primary).setUpdatedAt(Instant.now()).build();
    }

    /**
     * Appends a placement change to the control log (creating its topics if needed), as a region's admin
     * API would; it takes effect if its epoch follows the one in effect.
     */
    static void writePlacement(String region, Placement p) {
        String control = regions().controlBootstrapServers();
        KafkaSecurity security = regions().security().admin();
        try (Admin admin = Admin.create(security.clientConfig(control));
             KafkaProducer<String, byte[]> producer = ControlProducer.create(control, security, "test-placements-" + region,
                     Duration.ofSeconds(30))) {
            ControlLogTopics.ensure(admin);
            producer.send(new ProducerRecord<>(WalTopics.CONTROL, p.getTenantId(), Placements.encode(p))).get();
        } catch (Exception e) {
            throw new AssertionError("cannot write placement " + p, e);
        }
    }

    /** A client configuration of a region's cluster as the admin (the shared stack runs TLS and ACLs). */
    static Map<String, Object> client(String region) {
        return regions().security().admin().clientConfig(regions().bootstrapServers(region));
    }

    /** An admin client of a region's cluster; the caller closes it. */
    static Admin admin(String region) {
        return Admin.create(client(region));
    }

    /** Creates a topic of {@link #PARTITIONS} partitions in a region's cluster. */
    static void createTopic(String region, String topic) {
        try (Admin admin = admin(region)) {
            admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get();
        } catch (Exception e) {
            throw new AssertionError("cannot create " + topic, e);
        }
    }

    /** The names of every topic in a region's cluster, sorted. */
    static Set<String> topics(String region) {
        try (Admin admin = admin(region)) {
            return new TreeSet<>(admin.listTopics().names().get());
        } catch (Exception e) {
            throw new AssertionError("cannot list topics in " + region, e);
        }
    }

    /** An idempotent producer of a region's cluster that waits for all replicas; the caller closes it. */
    static KafkaProducer<String, String> producer(String region) {
        Map<String, Object> config = client(region);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        return new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
    }

    /**
     * Every record of a topic in a region's cluster, from the beginning to the end offsets at the time of
     * the call (for at most 10 s), in the order of each partition.
     */
    static List<ConsumerRecord<String, String>> readRecords(String region, String topic) {
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(client(region),
                new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> tps = c.partitionsFor(topic, Duration.ofSeconds(5)).stream()
                    .map(pi -> new TopicPartition(topic, pi.partition())).toList();
            if (tps.isEmpty()) {
                return out;
            }
            c.assign(tps);
            c.seekToBeginning(tps);
            Map<TopicPartition, Long> end = c.endOffsets(tps);
            long deadline = System.currentTimeMillis() + 10_000;
            while (tps.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.currentTimeMillis() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    /**
     * A test failure whose message names the root cause: the build summary prints only the message, and a
     * failure seen once in CI must say what Kafka answered.
     */
    static AssertionError failure(String what, Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return new AssertionError(what + ": " + root, e);
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
