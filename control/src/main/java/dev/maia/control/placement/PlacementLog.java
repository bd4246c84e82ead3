package dev.maia.control.placement;

import dev.maia.control.log.ControlLogUnavailableException;
import dev.maia.schemas.avro.Placement;
import dev.maia.schemas.placement.Placements;
import dev.maia.schemas.wal.WalTopics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.KafkaException;

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
        long offset;
        try {
            offset = producer.send(new ProducerRecord<>(WalTopics.CONTROL, change.getTenantId(), Placements.encode(change)))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS).offset();
        } catch (ExecutionException | TimeoutException | KafkaException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new ControlLogUnavailableException("no majority of the control cluster acknowledged the change of "
                    + change.getTenantId() + " within " + timeout.toMillis() + " ms (" + cause + ")", cause);
        }
        Boolean tookEffect = view.awaitDecision(offset, timeout).orElseThrow(() -> new ControlLogUnavailableException(
                "the change of " + change.getTenantId() + " was acknowledged at control log offset " + offset
                        + " but not read back within " + timeout.toMillis() + " ms; it may still take effect: "
                        + "read the placement before retrying", null));
        if (!tookEffect) {
            throw new PlacementConflictException(change.getTenantId(), change.getEpoch(), view.get(change.getTenantId()).orElse(null));
        }
        return change;
    }
}
