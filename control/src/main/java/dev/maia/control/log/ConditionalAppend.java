package dev.maia.control.log;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One change of the control log as its writer sees it: appended (acknowledged by a majority of the control
 * cluster), then read back through the region's view of the log, which applies the same rule as every other
 * reader. Only then is the outcome known: it took effect, or another change of the same epoch came first.
 */
public final class ConditionalAppend {

    /** The view that reads the log back and decides each record, as {@code PlacementView} and {@code TenantView} do. */
    @FunctionalInterface
    public interface Reader {
        Optional<Boolean> awaitDecision(long offset, Duration timeout) throws InterruptedException;
    }

    private ConditionalAppend() {
    }

    /**
     * Appends {@code record} and answers whether it took effect.
     *
     * @param what the change, for messages ("the change of tenant t")
     * @throws ControlLogUnavailableException no majority acknowledged it in time, or it was not read back in
     *         time (then it may still take effect: read before retrying)
     */
    public static boolean append(KafkaProducer<String, byte[]> producer, ProducerRecord<String, byte[]> record, Reader reader,
                                 String what, Duration timeout) throws ControlLogUnavailableException, InterruptedException {
        long offset;
        try {
            offset = producer.send(record).get(timeout.toMillis(), TimeUnit.MILLISECONDS).offset();
        } catch (ExecutionException | TimeoutException | KafkaException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new ControlLogUnavailableException("no majority of the control cluster acknowledged " + what
                    + " within " + timeout.toMillis() + " ms (" + cause + ")", cause);
        }
        return reader.awaitDecision(offset, timeout).orElseThrow(() -> new ControlLogUnavailableException(
                what + " was acknowledged at control log offset " + offset + " but not read back within "
                        + timeout.toMillis() + " ms; it may still take effect: read it before retrying", null));
    }
}
