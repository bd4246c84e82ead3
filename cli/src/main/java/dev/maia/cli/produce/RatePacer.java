package dev.maia.cli.produce;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Paces sends to a fixed rate: send n is due at start + n/rate. A run that falls behind (a slow server)
 * does not make up for it with a burst later; it resumes the pace from now. Waits in short slices so a
 * stop request (Ctrl-C, --duration) is honoured within 50 ms.
 */
public final class RatePacer {
    private static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final long MAX_BEHIND_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final long intervalNanos;
    private long nextDue = System.nanoTime();

    /** @param perSecond sends per second; 0 or less means no pacing */
    public RatePacer(double perSecond) {
        this.intervalNanos = perSecond > 0 ? Math.max(1, Math.round(1e9 / perSecond)) : 0;
    }

    /** Waits until the next send is due; false if {@code stop} became true meanwhile. */
    public boolean awaitTurn(BooleanSupplier stop) throws InterruptedException {
        if (intervalNanos == 0) {
            return !stop.getAsBoolean();
        }
        long now = System.nanoTime();
        if (now - nextDue > MAX_BEHIND_NANOS) {
            nextDue = now;
        }
        while ((now = System.nanoTime()) < nextDue) {
            if (stop.getAsBoolean()) {
                return false;
            }
            long wait = Math.min(nextDue - now, SLICE_NANOS);
            TimeUnit.NANOSECONDS.sleep(wait);
        }
        nextDue += intervalNanos;
        return !stop.getAsBoolean();
    }
}
