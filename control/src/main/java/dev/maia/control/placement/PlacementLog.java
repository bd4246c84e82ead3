package dev.maia.control.placement;

import dev.maia.control.log.ConditionalAppend;
import dev.maia.control.log.ControlLogUnavailableException;
import dev.maia.schemas.avro.Placement;
import dev.maia.schemas.placement.Placements;
import dev.maia.schemas.wal.WalTopics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.time.Duration;

/**
 * Changes placements through the control log: a change is appended as the placement it wants, with the
 * epoch after the one it replaces, acknowledged by a majority of the control cluster, and then read back
 * through the region's {@link PlacementView}, which applies the same rule as every other reader. Only then
 * is its outcome known: it took effect, or another change of the same epoch came first.
 */
public final class PlacementLog {
    private final PlacementView view;
    private final Duration timeout;
    private final KafkaProducer<String, byte[]> producer;

    /** {@code producer} is the region's one control-cluster producer ({@link dev.maia.control.log.ControlProducer}); its owner closes it. */
    public PlacementLog(KafkaProducer<String, byte[]> producer, PlacementView view, Duration timeout) {
        this.producer = producer;
        this.view = view;
        this.timeout = timeout;
    }

    /**
     * Appends the change and answers it once it has taken effect.
     *
     * @throws PlacementConflictException another change replaced the same epoch first (nothing of this one holds)
     * @throws ControlLogUnavailableException no majority acknowledged it in time, or it was not read back in
     *         time (then it may still take effect)
     */
    public Placement propose(Placement change) throws PlacementConflictException, ControlLogUnavailableException,
            InterruptedException {
        boolean tookEffect = ConditionalAppend.append(producer,
                new ProducerRecord<>(WalTopics.CONTROL, change.getTenantId(), Placements.encode(change)),
                view::awaitDecision, "the change of " + change.getTenantId(), timeout);
        if (!tookEffect) {
            throw new PlacementConflictException(change.getTenantId(), change.getEpoch(), view.get(change.getTenantId()).orElse(null));
        }
        return change;
    }
}
