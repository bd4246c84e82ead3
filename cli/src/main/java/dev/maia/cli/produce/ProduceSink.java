package dev.maia.cli.produce;

import java.util.concurrent.CompletableFuture;

/** Where {@code maia produce} writes: a region's HTTP API, or its Kafka cluster through the producer library. */
public interface ProduceSink extends AutoCloseable {

    /**
     * Starts one write; the future completes once it is acknowledged (HTTP 201, Kafka ack) or has failed.
     * It never completes exceptionally: every failure is a {@link SendResult} with its reason.
     */
    CompletableFuture<SendResult> send(ProduceRecord record) throws InterruptedException;

    /** How many writes may be in flight at once. */
    int maxInFlight();

    @Override
    void close();
}
