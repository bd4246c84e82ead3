package dev.maia.control.tenant;

import dev.maia.control.log.ConditionalAppend;
import dev.maia.control.log.ControlLogUnavailableException;
import dev.maia.schemas.avro.ApiKey;
import dev.maia.schemas.avro.Tenant;
import dev.maia.schemas.tenant.ControlRecords;
import dev.maia.schemas.wal.WalTopics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.time.Duration;

/**
 * Changes tenants and issued keys through the control log, as {@link dev.maia.control.placement.PlacementLog}
 * changes placements: a change is appended (majority-acknowledged) with the epoch after the one it
 * replaces, then read back through the region's {@link TenantView} to learn whether it took effect.
 */
public final class TenantLog {
    private final KafkaProducer<String, byte[]> producer;
    private final TenantView view;
    private final Duration timeout;

    /** {@code producer} is the region's one control-cluster producer; its owner closes it. */
    public TenantLog(KafkaProducer<String, byte[]> producer, TenantView view, Duration timeout) {
        this.producer = producer;
        this.view = view;
        this.timeout = timeout;
    }

    public Tenant propose(Tenant change) throws TenantConflictException, ControlLogUnavailableException, InterruptedException {
        append("tenant " + change.getTenantId(), change.getEpoch(), ControlRecords.KIND_TENANT,
                ControlRecords.tenantKey(change.getTenantId()), ControlRecords.encode(change));
        return change;
    }

    public ApiKey propose(ApiKey change) throws TenantConflictException, ControlLogUnavailableException, InterruptedException {
        append("an API key of tenant " + change.getTenantId(), change.getEpoch(), ControlRecords.KIND_APIKEY,
                ControlRecords.apiKeyKey(change.getKeySha256()), ControlRecords.encode(change));
        return change;
    }

    private void append(String what, long epoch, String kind, String key, byte[] value)
            throws TenantConflictException, ControlLogUnavailableException, InterruptedException {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(WalTopics.CONTROL, key, value);
        record.headers().add(ControlRecords.KIND_HEADER, ControlRecords.kindHeader(kind));
        boolean tookEffect = ConditionalAppend.append(producer, record, view::awaitDecision, "the change of " + what, timeout);
        if (!tookEffect) {
            throw new TenantConflictException(what, epoch);
        }
    }
}
