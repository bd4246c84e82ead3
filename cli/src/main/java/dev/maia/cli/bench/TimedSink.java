package dev.maia.cli.bench;

import dev.maia.cli.produce.ProduceRecord;
import dev.maia.cli.produce.ProduceSink;
import dev.maia.cli.produce.SendResult;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Wraps a {@code maia produce} sink and stamps the moment each write is acknowledged, by the resource id
 * the record carries in its body ({@code "id"}): the start of an end-to-end lag measurement.
 */
final class TimedSink implements ProduceSink {
    private final ProduceSink inner;
    private final Map<String, Long> acked = new ConcurrentHashMap<>();

    TimedSink(ProduceSink inner) {
        this.inner = inner;
    }

    /** Resource id to the nanoTime its write was acknowledged. */
    Map<String, Long> acked() {
        return acked;
    }

    @Override
    public CompletableFuture<SendResult> send(ProduceRecord record) throws InterruptedException {
        String id = record.body().path("id").asText();
        return inner.send(record).thenApply(r -> {
            if (r.ok()) {
                acked.put(id, System.nanoTime());
            }
            return r;
        });
    }

    @Override
    public int maxInFlight() {
        return inner.maxInFlight();
    }

    @Override
    public void close() {
        inner.close();
    }
}
