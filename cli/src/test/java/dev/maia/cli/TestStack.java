package dev.maia.cli;

import dev.maia.localcluster.LocalRegions;
import dev.maia.localcluster.SharedRegions;
import dev.maia.cli.server.ApiKeyring;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One stack per test JVM: the shared three real KRaft clusters with MirrorMaker 2, and a MAIA process
 * per region on top. Test classes use unique tenants so they never see each other's data.
 */
final class TestStack {
    private static RegionNodes nodes;
    private static final int TENANT_POOL = 64;
    private static final java.util.concurrent.atomic.AtomicInteger nextTenant = new java.util.concurrent.atomic.AtomicInteger();
    private static final List<String> tenantIds = new ArrayList<>();

    /** A tenant of the test stack with its API key. Keys are configured at start, so tenants come from a pool. */
    record Tenant(String id, String key) {
    }

    private TestStack() {
    }

    static synchronized RegionNodes nodes() throws Exception {
        if (nodes == null) {
            LocalRegions regions = SharedRegions.get();
            // Under target/, so that a run that is killed before its teardown leaves nothing outside the build.
            Path work = Files.createDirectories(Path.of("target", "it-regions", Long.toString(ProcessHandle.current().pid())));
            Map<String, String> keys = new java.util.TreeMap<>();
            String run = UUID.randomUUID().toString().substring(0, 6);
            for (int i = 0; i < TENANT_POOL; i++) {
                String id = "it-" + run + "-" + i;
                tenantIds.add(id);
                keys.put(id, ApiKeyring.newKey());
            }
            nodes = RegionNodes.start(regions, work, (region, entry) -> { }, ApiKeyring.newKey(), keys);
            // Stop the processes, then remove their stores: Chronicle preallocates its files.
            Teardown teardown = new Teardown(work, true);
            teardown.add(nodes);
            Runtime.getRuntime().addShutdownHook(new Thread(teardown));
        }
        return nodes;
    }

    static LocalRegions regions() {
        return SharedRegions.get();
    }

    /** A tenant no other test uses. */
    static Tenant tenant() throws Exception {
        RegionNodes n = nodes();
        String id = tenantIds.get(nextTenant.getAndIncrement());
        return new Tenant(id, n.topology().tenantKeys().get(id));
    }

    /** Sets a tenant's placement through the admin API of the given region. */
    static com.fasterxml.jackson.databind.JsonNode place(String tenant, String mode, String primary, String... replicas) throws Exception {
        String body = dev.maia.schemas.http.Json.write(Map.of("mode", mode, "primary_region", primary, "replicas", List.of(replicas)));
        MaiaClient.Reply r = new MaiaClient().send("POST", nodes().node(primary).endpoint() + "/admin/tenants/" + tenant + "/placement",
                adminKey(), body);
        if (r.status() != 200) {
            throw new AssertionError("placement of " + tenant + " answered " + r.status() + ": " + r.body());
        }
        return r.body();
    }

    static String adminKey() throws Exception {
        return nodes().topology().adminKey();
    }

    /** Every record of a topic in a region's cluster, read from the beginning. */
    static List<ConsumerRecord<String, byte[]>> readAll(String region, String topic) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, regions().bootstrapServers(region),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false), new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            return out;
        }
    }
}
