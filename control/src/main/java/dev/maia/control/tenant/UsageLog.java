package dev.maia.control.tenant;

import dev.maia.control.TopicTail;
import dev.maia.schemas.avro.TenantUsage;
import dev.maia.schemas.tenant.ControlRecords;
import dev.maia.schemas.topology.KafkaSecurity;
import dev.maia.schemas.wal.WalTopics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The per-region usage of every tenant, through the compacted {@code maia.usage} topic of the control
 * cluster: this region publishes its own reports, and reads every region's (key {@code <region>/<tenant>},
 * the latest wins). A report is a fact about one region, not a decision: no majority is needed, so it is
 * sent with {@code acks=1} and without waiting, and a region cut off from the control cluster simply
 * reports late.
 */
public final class UsageLog implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(UsageLog.class);

    private final KafkaProducer<String, byte[]> producer;
    private final TopicTail tail;
    /** tenant -> region -> latest report. */
    private final Map<String, Map<String, TenantUsage>> latest = new ConcurrentHashMap<>();

    public UsageLog(String controlBootstrapServers, KafkaSecurity security, String region) {
        Map<String, Object> p = security.clientConfig(controlBootstrapServers);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "maia-usage-" + region);
        p.put(ProducerConfig.ACKS_CONFIG, "1");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 50);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 2000);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        this.tail = new TopicTail(controlBootstrapServers, security, "usage-view-" + region,
                Pattern.compile(Pattern.quote(WalTopics.USAGE)), 100, this::accept, () -> { });
    }

    public void start() {
        tail.start();
    }

    /** Sends one report of this region; a failure is logged, the next report replaces it anyway. */
    public void publish(TenantUsage usage) {
        try {
            producer.send(new ProducerRecord<>(WalTopics.USAGE, usage.getRegion() + "/" + usage.getTenantId(),
                    ControlRecords.encode(usage)), (md, e) -> {
                        if (e != null) {
                            log.debug("usage report of {} in {} not sent: {}", usage.getTenantId(), usage.getRegion(), e.toString());
                        }
                    });
        } catch (RuntimeException e) {
            log.debug("usage report of {} not sent: {}", usage.getTenantId(), e.toString());
        }
    }

    private void accept(ConsumerRecord<String, byte[]> r) {
        try {
            TenantUsage u = ControlRecords.decodeUsage(r.value());
            latest.computeIfAbsent(u.getTenantId(), t -> new ConcurrentHashMap<>()).merge(u.getRegion(), u,
                    (old, now) -> now.getReportedAt().isBefore(old.getReportedAt()) ? old : now);
        } catch (Exception e) {
            log.warn("Ignoring an unreadable usage report at {}@{}: {}", r.topic(), r.offset(), e.toString());
        }
    }

    /** The latest report of every region that reported the tenant, by region. */
    public List<TenantUsage> of(String tenant) {
        return latest.getOrDefault(tenant, Map.of()).values().stream()
                .sorted(Comparator.comparing(TenantUsage::getRegion)).toList();
    }

    @Override
    public void close() {
        tail.close();
        producer.close(Duration.ofSeconds(1));
    }
}
