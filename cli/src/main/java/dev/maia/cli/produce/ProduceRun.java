package dev.maia.cli.produce;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The send loop of {@code maia produce}: one record at a time from the input, paced, with at most the
 * sink's in-flight bound outstanding, until the input ends or a stop (Ctrl-C, {@code --duration})
 * comes. Then it waits, bounded, for what is in flight.
 */
public final class ProduceRun {
    /** Longer than the producer's delivery timeout and the HTTP request timeout (30 s each). */
    static final long DRAIN_SECONDS = 45;
    /** After Ctrl-C the person wants the summary soon, not every last ack. */
    static final long STOPPED_DRAIN_SECONDS = 5;

    private final ProduceSink sink;
    private final ProduceStats stats;
    private final RatePacer pacer;
    private final long deadlineNanos;

    /** @param durationSeconds stop sending after this long; 0 for no limit */
    public ProduceRun(ProduceSink sink, ProduceStats stats, RatePacer pacer, double durationSeconds) {
        this.sink = sink;
        this.stats = stats;
        this.pacer = pacer;
        this.deadlineNanos = durationSeconds > 0 ? System.nanoTime() + (long) (durationSeconds * 1e9) : 0;
    }

    /** Sends everything (or until stopped), waits for the acks, and freezes the stats. */
    public void run(ProduceInput input, BooleanSupplier stopRequested) throws InterruptedException {
        int bound = sink.maxInFlight();
        Semaphore slots = new Semaphore(bound);
        BooleanSupplier stop = () -> stopRequested.getAsBoolean()
                || (deadlineNanos != 0 && System.nanoTime() > deadlineNanos);
        try {
            while (!stop.getAsBoolean() && input.hasNext()) {
                ProduceRecord record = input.next();
                if (!record.isValid()) {
                    stats.invalid(record.tenant(), record.error(), record.detail());
                    continue;
                }
                if (!pacer.awaitTurn(stop) || !acquire(slots, stop)) {
                    break;
                }
                send(record, slots);
            }
            long drain = stopRequested.getAsBoolean() ? STOPPED_DRAIN_SECONDS : DRAIN_SECONDS;
            if (slots.tryAcquire(bound, drain, TimeUnit.SECONDS)) {
                slots.release(bound);
            }
        } finally {
            stats.finish();
        }
    }

    private void send(ProduceRecord record, Semaphore slots) throws InterruptedException {
        stats.sent(record.tenant());
        long start = System.nanoTime();
        CompletableFuture<SendResult> pending;
        try {
            pending = sink.send(record);
        } catch (RuntimeException e) {
            pending = CompletableFuture.completedFuture(SendResult.failed("client_error", e.toString()));
        }
        pending.whenComplete((result, error) -> {
            SendResult r = error == null ? result : SendResult.failed("client_error", error.toString());
            stats.completed(record.tenant(), r, System.nanoTime() - start);
            slots.release();
        });
    }

    /** Waits for a free slot, giving up if a stop comes meanwhile. */
    private static boolean acquire(Semaphore slots, BooleanSupplier stop) throws InterruptedException {
        while (!slots.tryAcquire(50, TimeUnit.MILLISECONDS)) {
            if (stop.getAsBoolean()) {
                return false;
            }
        }
        return true;
    }
}
