package dev.maia.apply.lag;

import dev.maia.schemas.topology.KafkaSecurity;
import dev.maia.schemas.avro.Placement;
import dev.maia.schemas.placement.Placements;
import dev.maia.schemas.topology.RegionSpec;
import dev.maia.schemas.topology.Topology;
import dev.maia.schemas.wal.WalHeaders;
import dev.maia.schemas.wal.WalTopics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import dev.maia.control.PartitionScan;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Gathers the facts {@link ReplicationLag} needs, straight from every region's Kafka: the origins' end
 * offsets and oldest unapplied records, and each region's mirrored copies. Used by the metrics of every
 * region and by {@code maia lag}, so both say the same.
 */
public final class LagProbe implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LagProbe.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /**
     * How long listing a region's topics may take before the region counts as unreachable: short, because a
     * probe round waits for it, and the lag of an unreachable origin must keep being reported.
     */
    private static final Duration REACH_TIMEOUT = Duration.ofSeconds(5);

    /** The highest origin offset a region has applied of a partition, -1 if none. */
    @FunctionalInterface
    public interface AppliedPositions {
        long applied(String origin, String tenant, int partition);
    }

    private final Topology topology;
    private final KafkaSecurity security;
    private final Map<String, Admin> admins = new HashMap<>();
    private final Map<String, KafkaConsumer<byte[], byte[]>> consumers = new HashMap<>();
    private Map<String, Boolean> reachable = Map.of();

    /**
     * Reads every region's cluster with one identity: a region's service certificate when a region probes,
     * the operator's ({@code kafka_security} of the topology) when a tool does.
     */
    public LagProbe(Topology topology, KafkaSecurity security) {
        this.topology = topology;
        this.security = security;
    }

    /** The lag of every tenant that {@code region} holds, per origin log. */
    public synchronized List<TenantLag> probe(String region, Map<String, Placement> placements, AppliedPositions applied) {
        List<TenantLag> out = new ArrayList<>();
        long now = System.currentTimeMillis();
        Map<String, Set<String>> topicsByRegion = new HashMap<>();
        Map<String, Boolean> reached = new HashMap<>();
        for (RegionSpec r : topology.regions()) {
            try {
                topicsByRegion.put(r.name(), admin(r.name()).listTopics(new ListTopicsOptions().timeoutMs((int) REACH_TIMEOUT.toMillis()))
                        .names().get(REACH_TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS));
                reached.put(r.name(), true);
            } catch (Exception e) {
                reached.put(r.name(), false);
                log.debug("Cannot list topics of {}: {}", r.name(), e.toString());
            }
        }
        reachable = Map.copyOf(reached);
        List<Placement> held = placements.values().stream().filter(p -> Placements.holders(p).contains(region)).toList();
        // One request per origin for every held log's end offsets, not two per tenant: the cost of a probe
        // grows with the partitions that are behind, not with the tenants.
        Map<String, Map<String, Ends>> endsByOrigin = new HashMap<>();
        for (RegionSpec origin : topology.regions()) {
            Set<String> originTopics = topicsByRegion.get(origin.name());
            if (originTopics != null) {
                endsByOrigin.put(origin.name(), endOffsets(origin.name(), held.stream()
                        .map(p -> WalTopics.wal(p.getTenantId())).filter(originTopics::contains).toList()));
            }
        }
        for (Placement p : held) {
            String tenant = p.getTenantId();
            String log = WalTopics.wal(tenant);
            for (RegionSpec origin : topology.regions()) {
                Map<String, Ends> ends = endsByOrigin.get(origin.name());
                if (ends == null) {
                    out.add(new TenantLag(region, tenant, origin.name(), p.getPrimaryRegion(), new ReplicationLag.Summary(0, 0, 0),
                            "region " + origin.name() + " unreachable"));
                    continue;
                }
                Ends logEnds = ends.get(log);
                if (logEnds == null) {
                    continue; // this origin never wrote the tenant's log
                }
                try {
                    if (logEnds.error() != null) {
                        throw logEnds.error();
                    }
                    List<ReplicationLag> parts = partitions(region, origin.name(), tenant, logEnds.offsets(), applied);
                    out.add(new TenantLag(region, tenant, origin.name(), p.getPrimaryRegion(), ReplicationLag.sum(parts, now), null));
                } catch (Exception e) {
                    out.add(new TenantLag(region, tenant, origin.name(), p.getPrimaryRegion(), new ReplicationLag.Summary(0, 0, 0),
                            e.getClass().getSimpleName() + ": " + e.getMessage()));
                }
            }
        }
        return out;
    }

    /** Per region of the topology, whether the last {@link #probe} could list its topics. */
    public synchronized Map<String, Boolean> reachable() {
        return reachable;
    }

    /** How many records a topic of a region's cluster has taken (its partitions' end offsets); 0 if it does not exist. */
    public synchronized long endOffsetSum(String region, String topic) throws Exception {
        Admin admin = admin(region);
        Map<String, KafkaFuture<TopicDescription>> described = admin.describeTopics(List.of(topic)).topicNameValues();
        TopicDescription description;
        try {
            description = described.get(topic).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException) {
                return 0;
            }
            throw e;
        }
        Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
        description.partitions().forEach(p -> specs.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
        long sum = 0;
        for (var info : admin.listOffsets(specs).all().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).values()) {
            sum += info.offset();
        }
        return sum;
    }

    /** A log's end offsets in its origin, or why they could not be had. */
    private record Ends(Map<TopicPartition, Long> offsets, Exception error) {
    }

    private Map<String, Ends> endOffsets(String origin, List<String> logs) {
        Map<String, Ends> out = new HashMap<>();
        if (logs.isEmpty()) {
            return out;
        }
        Map<String, KafkaFuture<TopicDescription>> described = admin(origin).describeTopics(logs).topicNameValues();
        Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
        for (String log : logs) {
            try {
                described.get(log).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).partitions()
                        .forEach(p -> specs.put(new TopicPartition(log, p.partition()), OffsetSpec.latest()));
            } catch (Exception e) {
                out.put(log, new Ends(null, unwrap(e)));
            }
        }
        ListOffsetsResult listed = admin(origin).listOffsets(specs);
        Map<String, Map<TopicPartition, Long>> byLog = new HashMap<>();
        for (TopicPartition tp : specs.keySet()) {
            try {
                long end = listed.partitionResult(tp).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).offset();
                byLog.computeIfAbsent(tp.topic(), t -> new HashMap<>()).put(tp, end);
            } catch (Exception e) {
                out.put(tp.topic(), new Ends(null, unwrap(e)));
            }
        }
        byLog.forEach((log, ends) -> out.putIfAbsent(log, new Ends(ends, null)));
        return out;
    }

    private static Exception unwrap(Exception e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        return e instanceof ExecutionException && e.getCause() instanceof Exception cause ? cause : e;
    }

    private List<ReplicationLag> partitions(String region, String origin, String tenant, Map<TopicPartition, Long> ends,
                                            AppliedPositions applied) {
        String log = WalTopics.wal(tenant);
        List<ReplicationLag> out = new ArrayList<>();
        for (var e : ends.entrySet()) {
            int partition = e.getKey().partition();
            long end = e.getValue();
            long appliedThrough = applied.applied(origin, tenant, partition);
            ConsumerRecord<byte[], byte[]> first = firstAtOrAfter(origin, e.getKey(), appliedThrough + 1, end);
            // Caught up, the mirrored copy cannot change the lag (0): only a partition behind is read there.
            long mirrored = first == null || origin.equals(region) ? end - 1
                    : lastMirroredOriginOffset(region, new TopicPartition(origin + "." + log, partition));
            out.add(new ReplicationLag(end, mirrored, appliedThrough,
                    first == null ? -1 : first.offset(), first == null ? 0 : first.timestamp()));
        }
        return out;
    }

    /** The first committed record at or after {@code offset}, or null if there is none before {@code end}. */
    private ConsumerRecord<byte[], byte[]> firstAtOrAfter(String region, TopicPartition tp, long offset, long end) {
        return PartitionScan.firstAtOrAfter(consumer(region), tp, offset, end, TIMEOUT).orElse(null);
    }

    /** The origin offset carried by the last record of a mirrored partition, -1 if it has none. */
    private long lastMirroredOriginOffset(String region, TopicPartition tp) {
        try {
            return PartitionScan.last(consumer(region), tp, TIMEOUT)
                    .map(r -> r.headers().lastHeader(WalHeaders.ORIGIN_OFFSET))
                    .map(h -> WalHeaders.decodeLong(h.value()))
                    .orElse(-1L);
        } catch (RuntimeException e) {
            return -1; // the mirrored topic does not exist (yet), or could not be read now
        }
    }

    private Admin admin(String region) {
        return admins.computeIfAbsent(region, r -> {
            Map<String, Object> config = security.clientConfig(topology.requireRegion(r).bootstrapServers());
            config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
            config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
            return Admin.create(config);
        });
    }

    private KafkaConsumer<byte[], byte[]> consumer(String region) {
        return consumers.computeIfAbsent(region, r -> {
            Map<String, Object> config = security.clientConfig(topology.requireRegion(r).bootstrapServers());
            config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            // A seek below a truncated copy's start lands on its start, not at its end (the default).
            config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
            config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 16);
            config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
            return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        });
    }

    @Override
    public synchronized void close() {
        admins.values().forEach(a -> a.close(Duration.ofSeconds(5)));
        consumers.values().forEach(c -> c.close(Duration.ofSeconds(5)));
        admins.clear();
        consumers.clear();
    }
}
