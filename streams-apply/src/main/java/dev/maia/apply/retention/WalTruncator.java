package dev.maia.apply.retention;

import dev.maia.schemas.topology.KafkaSecurity;
import dev.maia.control.BackgroundTask;
import dev.maia.control.WalLogSettings;
import dev.maia.schemas.avro.Placement;
import dev.maia.schemas.placement.Placements;
import dev.maia.schemas.wal.WalTopics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import dev.maia.apply.SettableGauges;
import io.micrometer.core.instrument.Tags;
import dev.maia.control.PartitionScan;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Set;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.kafka.common.errors.InterruptException;

/**
 * The WAL lifecycle of one region (RFD 0005 {@code WAL.Truncate}; docs/architecture.md, "WAL lifecycle"),
 * a round every interval over the WAL topics of the region's own cluster:
 * <ul>
 *   <li>a tenant log this region wrote ({@code maia.wal.<tenant>}) is compacted only below the lowest
 *       position every holder of the tenant applied: its {@code min.compaction.lag.ms} is set to the age of
 *       the oldest entry some holder lacks ({@link CompactionGate}); a holder that published nothing, or a
 *       tenant without a known placement, keeps the whole log;</li>
 *   <li>a mirrored copy ({@code <origin>.maia.wal.<tenant>}) of a tenant this region holds is only needed
 *       until this region applied it: it is truncated ({@code deleteRecords}) below the apply path's
 *       committed offset, never below its last record (what Kafka Streams does with its own repartition
 *       topics). Its compaction gate is its origin's, which MirrorMaker copies with the other settings.</li>
 * </ul>
 * Nothing is expired by time or size: the logs are created so, and a log created before the lifecycle is
 * given its settings here too ({@link WalLogSettings}), if no process has written it since. Metrics: {@code maia_wal_compaction_gate_seconds},
 * {@code maia_wal_low_watermark}, {@code maia_wal_truncated_records_total}, {@code maia_wal_log_bytes}.
 */
public final class WalTruncator implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WalTruncator.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final String region;
    private final String applyGroup;
    private final Function<String, Optional<Placement>> placements;
    private final HolderPositions positions;
    private final long intervalMs;
    private final long marginMs;
    private final MeterRegistry registry;
    private final Admin admin;
    private final KafkaConsumer<byte[], byte[]> reader;
    private final SettableGauges gauges;
    /** Per origin log: whether its gate was closed last round, to log only the changes. */
    private final Map<String, Boolean> closed = new ConcurrentHashMap<>();
    private final BackgroundTask schedule;

    private record Wal(String topic, String origin, String tenant, boolean local) {
    }

    public WalTruncator(String region, String bootstrapServers, KafkaSecurity security, String applyGroup, Function<String, Optional<Placement>> placements,
                        HolderPositions positions, long intervalMs, long marginMs, MeterRegistry registry) {
        this.region = region;
        this.applyGroup = applyGroup;
        this.placements = placements;
        this.positions = positions;
        this.intervalMs = intervalMs;
        this.marginMs = marginMs;
        this.registry = registry;
        this.gauges = new SettableGauges(registry);
        Map<String, Object> adminConfig = security.clientConfig(bootstrapServers);
        adminConfig.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        this.admin = Admin.create(adminConfig);
        // Uncommitted records too: an open transaction's entries are not applied by anyone yet either.
        Map<String, Object> readerConfig = security.clientConfig(bootstrapServers);
        readerConfig.put(ConsumerConfig.CLIENT_ID_CONFIG, "maia-wal-truncator-" + region);
        readerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        readerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        readerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        readerConfig.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        readerConfig.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 16);
        this.reader = new KafkaConsumer<>(readerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.schedule = intervalMs > 0 ? BackgroundTask.every("wal-truncator-" + region, intervalMs, intervalMs, this::runQuietly) : null;
        if (schedule == null) {
            log.warn("WAL truncation is off in {} (interval 0): tenant logs are never compacted, mirrored copies never truncated", region);
        }
    }

    private void runQuietly() {
        try {
            round();
        } catch (InterruptedException | InterruptException e) {
            Thread.currentThread().interrupt(); // closing
        } catch (Exception e) {
            log.warn("WAL truncation round of {} failed; retrying in {} ms", region, intervalMs, e);
        }
    }

    /** One round over every WAL topic of this region's cluster. */
    synchronized void round() throws InterruptedException, ExecutionException, TimeoutException {
        List<Wal> wals = new ArrayList<>();
        for (String name : admin.listTopics().names().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            WalTopics.parse(name, region).ifPresent(w ->
                    wals.add(new Wal(name, w.originRegion(), w.tenantId(), name.equals(WalTopics.wal(w.tenantId())))));
        }
        forgetGone(wals);
        if (wals.isEmpty()) {
            return;
        }
        List<String> names = wals.stream().map(Wal::topic).toList();
        List<String> origins = wals.stream().filter(Wal::local).map(Wal::topic).toList();
        Map<String, TopicDescription> described = admin.describeTopics(names).allTopicNames().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        Map<TopicPartition, Long> starts = offsets(described, OffsetSpec.earliest());
        Map<TopicPartition, Long> ends = offsets(described, OffsetSpec.latest());
        Map<String, Config> configs = configs(origins);
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(applyGroup)
                .partitionsToOffsetAndMetadata().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);

        long now = System.currentTimeMillis();
        Map<ConfigResource, List<AlterConfigOp>> alter = new HashMap<>();
        Map<TopicPartition, RecordsToDelete> delete = new HashMap<>();
        Map<Wal, Long> deleting = new HashMap<>();
        for (Wal w : wals) {
            TopicDescription d = described.get(w.topic());
            if (d == null) {
                continue;
            }
            if (w.local()) {
                Config current = configs.get(w.topic());
                List<AlterConfigOp> upgrade = current == null ? List.of() : WalLogSettings.upgrade(current);
                if (!upgrade.isEmpty()) {
                    // A log no process has written since the lifecycle: brought to it here, gated from the next round.
                    alter.put(new ConfigResource(ConfigResource.Type.TOPIC, w.topic()), upgrade);
                    log.info("{} was created before the WAL lifecycle: set {}", w.topic(), WalLogSettings.describe(upgrade));
                    continue;
                }
                long gate = originGate(w, d, starts, ends, now);
                if (gate(current) != gate) {
                    alter.put(new ConfigResource(ConfigResource.Type.TOPIC, w.topic()), List.of(new AlterConfigOp(
                            new ConfigEntry(TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG, Long.toString(gate)), AlterConfigOp.OpType.SET)));
                }
            } else if (heldHere(w.tenant())) { // a copy of a tenant held no more is the locality purge's business
                long records = truncation(w, d, committed, starts, ends, delete);
                if (records > 0) {
                    deleting.put(w, records);
                }
            }
        }
        if (!alter.isEmpty()) {
            admin.incrementalAlterConfigs(new HashMap<>(alter)).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
        if (!delete.isEmpty()) {
            admin.deleteRecords(delete).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            deleting.forEach((w, n) -> {
                Counter.builder("maia.wal.truncated.records").tags(tags(w)).register(registry).increment(n);
                log.debug("Truncated {} applied records of {}", n, w.topic());
            });
        }
        measureSizes(wals);
    }

    /**
     * Adds a held copy's applied records to {@code delete}; answers how many. A copy's compaction gate is
     * not set here: it is its origin's, which MirrorMaker copies with the other settings every few seconds,
     * and which already counts this region's position.
     */
    private static long truncation(Wal w, TopicDescription d, Map<TopicPartition, OffsetAndMetadata> committed,
                                   Map<TopicPartition, Long> starts, Map<TopicPartition, Long> ends, Map<TopicPartition, RecordsToDelete> delete) {
        long records = 0;
        for (var p : d.partitions()) {
            TopicPartition tp = new TopicPartition(w.topic(), p.partition());
            OffsetAndMetadata c = committed.get(tp);
            if (c == null) {
                continue; // nothing applied here yet
            }
            long start = starts.getOrDefault(tp, 0L);
            long to = CompactionGate.copyTruncation(c.offset(), start, ends.getOrDefault(tp, 0L));
            if (to > start) {
                delete.put(tp, RecordsToDelete.beforeOffset(to));
                records += to - start;
            }
        }
        return records;
    }

    /** The gate of a log this region wrote: the age of the oldest entry some holder of the tenant lacks. */
    private long originGate(Wal w, TopicDescription d, Map<TopicPartition, Long> starts, Map<TopicPartition, Long> ends, long now) {
        Optional<Placement> placement = placements.apply(w.tenant());
        if (placement.isEmpty()) {
            noteClosed(w, true, "no placement of the tenant is known");
            gauges.set("maia.wal.compaction.gate.seconds", Tags.of("region", region, "tenant", w.tenant()), Double.POSITIVE_INFINITY);
            return CompactionGate.CLOSED;
        }
        List<String> holders = Placements.holders(placement.get());
        OptionalLong oldest = OptionalLong.empty();
        String behind = null;
        for (var p : d.partitions()) {
            TopicPartition tp = new TopicPartition(w.topic(), p.partition());
            List<Long> applied = holders.stream().map(h -> positions.applied(h, region, w.tenant(), p.partition())).toList();
            long start = starts.getOrDefault(tp, 0L);
            long end = ends.getOrDefault(tp, 0L);
            long first = CompactionGate.firstUnapplied(applied, start);
            gauges.set("maia.wal.low.watermark", Tags.of("region", region, "tenant", w.tenant(), "partition", Integer.toString(p.partition())), first - 1);
            if (first >= end) {
                continue;
            }
            OptionalLong ts = timestampAtOrAfter(tp, first, end);
            if (ts.isPresent() && (oldest.isEmpty() || ts.getAsLong() < oldest.getAsLong())) {
                oldest = ts;
                behind = holders.get(applied.indexOf(applied.stream().min(Long::compare).orElseThrow()));
            }
        }
        long gate = CompactionGate.gateMs(now, oldest, intervalMs, marginMs);
        gauges.set("maia.wal.compaction.gate.seconds", Tags.of("region", region, "tenant", w.tenant()),
                gate == CompactionGate.CLOSED ? Double.POSITIVE_INFINITY : gate / 1000.0);
        noteClosed(w, false, behind == null ? "every holder applied every entry"
                : "compacting only entries older than " + gate + " ms: " + behind + " has not applied the newer ones");
        return gate;
    }

    private void noteClosed(Wal w, boolean isClosed, String why) {
        Boolean before = closed.put(w.topic(), isClosed);
        if (before == null || before != isClosed) {
            log.info("{}: compaction {} ({})", w.topic(), isClosed ? "held off" : "gated", why);
        }
    }

    private boolean heldHere(String tenant) {
        return placements.apply(tenant).map(p -> Placements.holders(p).contains(region)).orElse(false);
    }

    /** The timestamp of the first record at or after {@code offset}; empty when there are only markers up to {@code end}. */
    private OptionalLong timestampAtOrAfter(TopicPartition tp, long offset, long end) {
        Optional<ConsumerRecord<byte[], byte[]>> first = PartitionScan.firstAtOrAfter(reader, tp, offset, end, TIMEOUT);
        if (first.isPresent()) {
            return OptionalLong.of(first.get().timestamp());
        }
        if (reader.position(tp) < end) {
            // Not read in time: assume the entry is as old as it can be, so the gate keeps everything.
            return OptionalLong.of(0);
        }
        return OptionalLong.empty();
    }

    private Map<TopicPartition, Long> offsets(Map<String, TopicDescription> described, OffsetSpec spec)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
        described.values().forEach(d -> d.partitions().forEach(p -> specs.put(new TopicPartition(d.name(), p.partition()), spec)));
        Map<TopicPartition, Long> out = new HashMap<>();
        Map<TopicPartition, ListOffsetsResultInfo> got = admin.listOffsets(specs).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        got.forEach((tp, info) -> out.put(tp, info.offset()));
        return out;
    }

    private Map<String, Config> configs(List<String> topics) throws InterruptedException, ExecutionException, TimeoutException {
        if (topics.isEmpty()) {
            return Map.of();
        }
        List<ConfigResource> resources = topics.stream().map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
        Map<String, Config> out = new HashMap<>();
        admin.describeConfigs(resources).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).forEach((r, c) -> out.put(r.name(), c));
        return out;
    }

    /** A log's current gate; -1 when it has none of its own (the broker's default). */
    private static long gate(Config current) {
        ConfigEntry e = current == null ? null : current.get(TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG);
        return e == null || e.source() != ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG ? -1L : Long.parseLong(e.value());
    }

    /** Disk per tenant log in this region, all replicas of all partitions: {@code maia_wal_log_bytes}. */
    private void measureSizes(List<Wal> wals) throws InterruptedException, ExecutionException, TimeoutException {
        List<Integer> brokers = admin.describeCluster().nodes().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).stream().map(Node::id).toList();
        Map<String, Long> bytes = LogSizes.byTopic(admin.describeLogDirs(brokers).allDescriptions().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
        for (Wal w : wals) {
            gauges.set("maia.wal.log.bytes", tags(w), bytes.getOrDefault(w.topic(), 0L));
        }
    }

    /** The series of logs no longer in this cluster (a purged copy, a deleted tenant) go with them. */
    private void forgetGone(List<Wal> wals) {
        Set<String> tenants = new HashSet<>();
        Set<String> logs = new HashSet<>();
        wals.forEach(w -> {
            tenants.add(w.tenant());
            logs.add(w.tenant() + "/" + w.origin());
        });
        gauges.removeIf(tags -> {
            String tenant = SettableGauges.tag(tags, "tenant");
            String origin = SettableGauges.tag(tags, "origin_region");
            return tenant != null && (origin == null ? !tenants.contains(tenant) : !logs.contains(tenant + "/" + origin));
        });
        for (Counter c : registry.find("maia.wal.truncated.records").tag("region", region).counters()) {
            if (!logs.contains(c.getId().getTag("tenant") + "/" + c.getId().getTag("origin_region"))) {
                registry.remove(c);
            }
        }
    }

    private Tags tags(Wal w) {
        return Tags.of("region", region, "tenant", w.tenant(), "origin_region", w.origin());
    }

    @Override
    public void close() {
        if (schedule != null) {
            schedule.close();
        }
        synchronized (this) {
            reader.close(Duration.ofSeconds(5));
            admin.close(Duration.ofSeconds(5));
        }
    }
}
