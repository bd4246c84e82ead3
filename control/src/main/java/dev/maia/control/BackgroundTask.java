package dev.maia.control;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** A task that runs on a daemon thread of its own, every {@code intervalMs}, until closed. */
public final class BackgroundTask implements AutoCloseable {
    private final ScheduledExecutorService scheduler;

    private BackgroundTask(String name) {
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    public static BackgroundTask every(String name, long initialDelayMs, long intervalMs, Runnable task) {
        BackgroundTask b = new BackgroundTask(name);
        b.scheduler.scheduleWithFixedDelay(task, initialDelayMs, intervalMs, TimeUnit.MILLISECONDS);
        return b;
    }

    /** Stops the schedule and waits (briefly) for a run in progress. */
    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
