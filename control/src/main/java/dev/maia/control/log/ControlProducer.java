package dev.maia.control.log;

import dev.maia.schemas.topology.KafkaSecurity;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;

/**
 * The producer a region writes the control cluster with: acknowledged by a majority, or failed within the
 * timeout. One per region, created at start and kept: without a controller quorum a new idempotent
 * producer waits for its producer id without bound, so one made while the quorum is away could hang.
 */
public final class ControlProducer {
    private ControlProducer() {
    }

    /**
     * {@code acks=all} against {@code min.insync.replicas} = a majority; idempotent, so a retried send is
     * not a second change. A send that no majority acknowledges fails once {@code timeout} is up (the
     * broker's NOT_ENOUGH_REPLICAS is retried until then): a cut-off region learns it within the timeout
     * instead of the producer's default two minutes.
     */
    public static KafkaProducer<String, byte[]> create(String bootstrapServers, KafkaSecurity security, String clientId,
                                                   Duration timeout) {
        int total = (int) timeout.toMillis();
        int request = Math.max(500, total / 2);
        var p = security.clientConfig(bootstrapServers);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, request);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Math.max(total, request));
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, total);
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }
}
