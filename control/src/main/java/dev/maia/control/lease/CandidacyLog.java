package dev.maia.control.lease;

import dev.maia.control.log.ConditionalAppend;
import dev.maia.control.log.ControlLogUnavailableException;
import dev.maia.control.placement.PlacementView;
import dev.maia.schemas.avro.Candidacy;
import dev.maia.schemas.placement.LeaseRecords;
import dev.maia.schemas.tenant.ControlRecords;
import dev.maia.schemas.wal.WalTopics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.time.Duration;

/**
 * Appends a replica's candidacy to replace a primary whose lease lapsed. Through the control log, not read
 * from the replicas' position topics: those arrive through MM2 late and in no order with each other, and the
 * choice of a sync tenant's new primary must see what every reachable replica had applied after the old
 * primary stopped, the same in every region.
 */
public final class CandidacyLog {
    private final KafkaProducer<String, byte[]> producer;
    private final PlacementView view;
    private final Duration timeout;

    /** {@code producer} is the region's one control-cluster producer; its owner closes it. */
    public CandidacyLog(KafkaProducer<String, byte[]> producer, PlacementView view, Duration timeout) {
        this.producer = producer;
        this.view = view;
        this.timeout = timeout;
    }

    /** Whether the candidacy counts (false: the placement changed first). */
    public boolean submit(Candidacy c) throws ControlLogUnavailableException, InterruptedException {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(WalTopics.CONTROL, LeaseRecords.candidacyKey(c.getTenantId()),
                LeaseRecords.encode(c));
        record.headers().add(ControlRecords.KIND_HEADER, ControlRecords.kindHeader(ControlRecords.KIND_CANDIDACY));
        return ConditionalAppend.append(producer, record, view::awaitDecision,
                "the candidacy of " + c.getRegion() + " for " + c.getTenantId(), timeout);
    }
}
