package dev.maia.apply.position;

import dev.maia.schemas.topology.KafkaSecurity;
import dev.maia.schemas.position.PositionKey;
import dev.maia.schemas.avro.Position;
import dev.maia.schemas.position.Positions;
import dev.maia.schemas.wal.WalTopics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import dev.maia.control.BackgroundTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.Map;

/**
 * Publishes this region's changed positions to its local {@code maia.positions} a few times a second:
 * one record per changed partition, not one per applied entry, so the topic stays small under load.
 */
public final class PositionPublisher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PositionPublisher.class);

    private final String region;
    private final PositionTracker tracker;
    private final KafkaProducer<String, byte[]> producer;
    private final BackgroundTask schedule;

    public PositionPublisher(String region, String bootstrapServers, KafkaSecurity security, PositionTracker tracker,
                             long intervalMs) {
        this.region = region;
        this.tracker = tracker;
        Map<String, Object> config = security.clientConfig(bootstrapServers);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "maia-positions-" + region);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        this.producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
        this.schedule = BackgroundTask.every("positions-" + region, intervalMs, intervalMs, this::publish);
    }

    void publish() {
        Map<PositionKey, PositionTracker.Applied> changed = tracker.drainUnpublished();
        try {
            for (var e : changed.entrySet()) {
                Position p = position(region, e.getKey(), e.getValue());
                producer.send(new ProducerRecord<>(WalTopics.POSITIONS, Positions.key(p), Positions.encode(p)));
            }
            if (!changed.isEmpty()) {
                producer.flush();
            }
        } catch (RuntimeException e) {
            tracker.requeue(changed);
            log.warn("Publishing positions of {} failed; retrying at the next interval", region, e);
        }
    }

    /** What {@code region} publishes of one partition: the applied position and the dead-lettered offsets. */
    public static Position position(String region, PositionKey key, PositionTracker.Applied applied) {
        return Position.newBuilder().setRegion(region).setOriginRegion(key.origin())
                .setTenantId(key.tenant()).setPartition(key.partition())
                .setOffset(applied.offset()).setHlc(applied.hlc())
                .setTimestamp(Instant.ofEpochMilli(applied.timestampMs()))
                .setDeadLettered(applied.deadLettered()).build();
    }

    @Override
    public void close() {
        schedule.close();
        publish();
        producer.close();
    }
}
