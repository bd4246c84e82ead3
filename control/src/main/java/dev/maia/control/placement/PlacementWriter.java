package dev.maia.control.placement;

import dev.maia.schemas.avro.Placement;
import dev.maia.control.ControlTopics;
import dev.maia.control.config.TopicReplication;
import dev.maia.schemas.placement.Placements;
import dev.maia.schemas.wal.WalTopics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Appends placements to this region's compacted {@code maia.placement}, keyed by tenant. */
public final class PlacementWriter implements AutoCloseable {
    private final KafkaProducer<String, byte[]> producer;

    public PlacementWriter(String bootstrapServers) {
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
                new StringSerializer(), new ByteArraySerializer());
    }

    public static void ensureTopic(Admin admin, TopicReplication replication) throws InterruptedException {
        ControlTopics.ensureCompacted(admin, WalTopics.PLACEMENT, replication);
    }

    public void write(Placement p) throws InterruptedException, ExecutionException, TimeoutException {
        producer.send(new ProducerRecord<>(WalTopics.PLACEMENT, p.getTenantId(), Placements.encode(p))).get(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        producer.close();
    }
}
