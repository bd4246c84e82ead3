package dev.maia.control.audit;

import dev.maia.schemas.wal.WalTopics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;

/**
 * The deployment's audit records on the control cluster ({@code maia.audit}, kept for ever, key the tenant):
 * sent with the control producer ({@code acks=all}), without waiting, since the change it records is
 * already in the control log and the region's own log has the same line.
 */
public final class AuditLog {
    private static final Logger log = LoggerFactory.getLogger(AuditLog.class);

    private final KafkaProducer<String, byte[]> producer;

    public AuditLog(KafkaProducer<String, byte[]> controlProducer) {
        this.producer = controlProducer;
    }

    public void publish(String tenant, String jsonLine) {
        producer.send(new ProducerRecord<>(WalTopics.AUDIT, tenant, jsonLine.getBytes(StandardCharsets.UTF_8)), (md, e) -> {
            if (e != null) {
                log.warn("audit record of {} not written to {}: {}", tenant, WalTopics.AUDIT, e.toString());
            }
        });
    }
}
