package dev.maia.containers.faults;

import dev.maia.schemas.avro.WALEntry;
import dev.maia.schemas.wal.WalCodec;
import dev.maia.schemas.wal.WalCodecs;
import dev.maia.schemas.wal.WalTopics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The regions' Kafka logs read from the host as maia-admin (the stack's super user; compose/.certs): each region's
 * own WAL topic of a tenant (what that region accepted, with the placement epoch it accepted it in) and its
 * conflict feed ({@code maia.conflicts}, keys {@code tenant/type/resource/loser/winner}).
 */
public final class RegionLogs implements AutoCloseable {

    private static final Duration READ = Duration.ofSeconds(60);

    /** A WAL entry as a region accepted it: the region whose log holds it, and the entry's own fields. */
    public record Accepted(String tenant, String resourceId, String originRegion, long placementEpoch, String logRegion) {
    }

    private final StackEndpoints stack;
    private final WalCodec codec;

    public RegionLogs(StackEndpoints stack) {
        this.stack = stack;
        this.codec = WalCodecs.forRegistry(Optional.of(stack.registryUrl()));
    }

    /** Every entry of {@code tenant} that some region accepted: its own topic {@code maia.wal.<tenant>} in each cluster. */
    public List<Accepted> accepted(String tenant) throws Exception {
        List<Accepted> out = new ArrayList<>();
        for (String region : stack.regions()) {
            for (ConsumerRecord<byte[], byte[]> r : readAll(region, WalTopics.wal(tenant))) {
                WALEntry e = codec.decode(r.value());
                out.add(new Accepted(tenant, e.getResourceId(), e.getOriginRegion(), e.getPlacementEpoch(), region));
            }
        }
        return out;
    }

    /** The resource ids of {@code tenant} that appear in any region's conflict feed (as loser or winner). */
    public Set<String> conflictResources(String tenant) {
        Set<String> ids = new TreeSet<>();
        for (String region : stack.regions()) {
            for (ConsumerRecord<byte[], byte[]> r : readAll(region, WalTopics.CONFLICTS)) {
                String[] key = new String(r.key(), StandardCharsets.UTF_8).split("/");
                if (key.length >= 3 && key[0].equals(tenant)) {
                    ids.add(key[2]);
                }
            }
        }
        return ids;
    }

    private List<ConsumerRecord<byte[], byte[]>> readAll(String region, String topic) {
        Map<String, Object> config = stack.kafkaSecurity().clientConfig(stack.bootstrap(region));
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "maia-fault-suite");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, READ);
            if (infos == null || infos.isEmpty()) {
                return out;
            }
            List<TopicPartition> partitions = infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, READ);
            long deadline = System.nanoTime() + READ.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p, READ) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("cannot read " + topic + " to its end in " + region + " within " + READ);
                }
                consumer.poll(Duration.ofMillis(500)).forEach(out::add);
            }
        }
        return out;
    }

    @Override
    public void close() {
        WalCodecs.close(codec);
    }
}
