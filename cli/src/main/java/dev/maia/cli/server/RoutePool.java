package dev.maia.cli.server;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that run routes, apart from the server's own: a route may wait for Kafka's acknowledgement,
 * for replicas (sync modes), for a position or its own write to be applied, for a topic to be created;
 * those waits hold a thread of this pool, never one of the threads that accept, parse and answer, so
 * {@code /health} and {@code /metrics} stay prompt. Fixed threads, a bounded queue: when both are full
 * {@link #offer} says no at once and the client gets 503 {@code OVERLOADED}, instead of an unbounded queue
 * whose wait nobody sees.
 */
final class RoutePool implements AutoCloseable {
    private final ThreadPoolExecutor executor;

    RoutePool(String name, int threads, int queue, MeterRegistry registry, String listener) {
        AtomicInteger n = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
                queue == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(queue), r -> {
                    Thread t = new Thread(r, "route-" + name + "-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
        this.executor.prestartAllCoreThreads();
        Gauge.builder("maia_http_route_active", executor, ThreadPoolExecutor::getActiveCount)
                .description("route threads running a request").tag("listener", listener).register(registry);
        Gauge.builder("maia_http_route_queued", executor, e -> e.getQueue().size())
                .description("requests waiting for a route thread").tag("listener", listener).register(registry);
    }

    /** Runs the task on a route thread; false, without running it, when threads and queue are all taken. */
    boolean offer(Runnable task) {
        try {
            executor.execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
