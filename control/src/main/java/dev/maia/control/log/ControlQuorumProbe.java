package dev.maia.control.log;

import dev.maia.schemas.wal.WalTopics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Tells a region whether it reaches a majority of the control cluster, the only thing that lets it
 * change placements: every {@link #INTERVAL} it appends a small record to {@code maia.control.probe}
 * (replicated like the control log) with {@code acks=all}. Metadata alone cannot tell: a node cut off
 * from the others keeps answering with the partition leadership and ISR it last knew.
 */
public final class ControlQuorumProbe implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ControlQuorumProbe.class);
    static final Duration INTERVAL = Duration.ofSeconds(2);

    /** The last completed probe: acknowledged by a majority or not, when, and why not. */
    public record Status(boolean majority, Instant at, String error) {
    }

    private final String region;
    private final Duration timeout;
    private final KafkaProducer<String, byte[]> producer;
    private final Thread thread;
    private volatile Status status = new Status(false, Instant.EPOCH, "not probed yet");
    private volatile boolean running = true;

    /**
     * {@code producer} is the region's one control-cluster producer ({@link ControlProducer}), the one its
     * placement changes use too, so the probe tests the very path they take; its owner closes it.
     */
    public ControlQuorumProbe(KafkaProducer<String, byte[]> producer, String region, Duration timeout) {
        this.region = region;
        this.timeout = timeout;
        this.producer = producer;
        this.thread = new Thread(this::run, "maia-control-probe-" + region);
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    public Status status() {
        return status;
    }

    private void run() {
        while (running) {
            probeOnce();
            try {
                Thread.sleep(INTERVAL.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void probeOnce() {
        Instant now = Instant.now();
        Status next;
        try {
            producer.send(new ProducerRecord<>(WalTopics.CONTROL_PROBE, region, now.toString().getBytes(StandardCharsets.UTF_8)))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            next = new Status(true, now, "");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            next = new Status(false, now, "no majority of the control cluster acknowledged a write within "
                    + timeout.toMillis() + " ms: " + cause);
        }
        if (next.majority() != status.majority()) {
            if (next.majority()) {
                log.info("region {} reaches a majority of the control cluster", region);
            } else {
                log.warn("region {} cannot change placements: {}", region, next.error());
            }
        }
        status = next;
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(timeout.toMillis() + 1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
