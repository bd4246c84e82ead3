package dev.maia.schemas.placement;

import dev.maia.schemas.avro.Placement;
import dev.maia.schemas.wal.WalTopics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.util.List;
import java.util.Map;
import java.util.Optional;
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

    /** Creates the compacted topic if it is missing (one partition: placements are few and ordered). */
    public static void ensureTopic(Admin admin, short replicationFactor) throws InterruptedException {
        try {
            admin.createTopics(List.of(new NewTopic(WalTopics.PLACEMENT, Optional.of(1), Optional.of(replicationFactor))
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))))
                    .all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create " + WalTopics.PLACEMENT + ": " + e.getCause().getMessage(), e);
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not answer the creation of " + WalTopics.PLACEMENT, e);
        }
    }

    public void write(Placement p) throws InterruptedException, ExecutionException, TimeoutException {
        producer.send(new ProducerRecord<>(WalTopics.PLACEMENT, p.getTenantId(), Placements.encode(p))).get(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        producer.close();
    }
}
