package dev.maia.mirror;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Keeps MirrorMaker 2 replicating: when a connector or task of one of its flows has been FAILED for
 * {@code mirror_restart_after_ms} (or otherwise not running for five times that), it stops that MirrorMaker
 * and starts a new one ({@link NotRunningWatch} says when, with backoff).
 *
 * <p>Why the whole MirrorMaker: Connect never restarts a FAILED task by itself, and dedicated mode has no
 * REST API to ask it to (its internal listener only forwards task configurations), so a failed task would
 * leave its flow stopped until someone restarts the process, while the regions' replication lag grows. A
 * new MirrorMaker resumes from the offsets committed in the clusters: the restart copies at most a few
 * records twice, which the apply path skips by position. The other flows into the same target pause for
 * the restart (10-20 s).
 */
public final class MirrorSupervisor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MirrorSupervisor.class);
    private static final Duration CHECK_INTERVAL = Duration.ofSeconds(5);

    /** A restart: when, and the connectors and tasks that were not running. */
    public record Restart(Instant at, List<String> notRunning) { }

    private final Supplier<MirrorRunner> runners;
    private final NotRunningWatch watch;
    private final ScheduledExecutorService schedule;
    private MirrorRunner runner;
    private long restarts;
    private Restart lastRestart;
    private boolean closed;

    /**
     * @param runners makes a new, unstarted runner; called once at {@link #start} and at every restart
     * @param restartAfter how long a connector or task may be not running; {@link Duration#ZERO}: never
     *                     restart (it then only runs the one MirrorMaker)
     */
    public MirrorSupervisor(Supplier<MirrorRunner> runners, Duration restartAfter) {
        this.runners = Objects.requireNonNull(runners, "runners");
        this.watch = restartAfter.isZero() ? null : new NotRunningWatch(restartAfter);
        this.schedule = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "maia-mirror-supervisor");
            t.setDaemon(true);
            return t;
        });
    }

    /** From the mirror's options: its runner for {@code targets} (empty: every flow), restarts as configured. */
    public static MirrorSupervisor of(Map<String, String> config, List<String> targets, MirrorOptions options) {
        return new MirrorSupervisor(() -> new MirrorRunner(config, targets), options.restartAfter());
    }

    /** Starts the first MirrorMaker (as {@link MirrorRunner#start} does) and the checks. */
    public MirrorSupervisor start() {
        MirrorRunner first = runners.get();
        synchronized (this) {
            if (closed || runner != null) {
                throw new IllegalStateException(closed ? "this supervisor was closed" : "already started");
            }
            runner = first;
        }
        first.start();
        if (watch == null) {
            log.info("MirrorMaker 2 runs without restarts (mirror_restart_after_ms is 0)");
            return this;
        }
        schedule.scheduleWithFixedDelay(this::check, CHECK_INTERVAL.toMillis(), CHECK_INTERVAL.toMillis(),
                TimeUnit.MILLISECONDS);
        return this;
    }

    /** The running MirrorMaker's connector and task states (none before start, after close or mid-restart). */
    public List<MirrorTaskState> taskStates() {
        MirrorRunner r;
        synchronized (this) {
            r = runner;
        }
        return r == null ? List.of() : r.taskStates();
    }

    public synchronized long restarts() {
        return restarts;
    }

    /** The last restart, if there was one. */
    public synchronized Restart lastRestart() {
        return lastRestart;
    }

    void check() {
        MirrorRunner current;
        synchronized (this) {
            current = closed ? null : runner;
        }
        if (current == null) {
            return;
        }
        try {
            List<MirrorTaskState> states = current.taskStates();
            if (states.isEmpty() && !current.isRunning()) {
                // A restart's start failed: treat the whole MirrorMaker as one thing that failed.
                states = List.of(new MirrorTaskState("*", "*", "MirrorMaker", "-", MirrorTaskState.FAILED));
            }
            long now = System.nanoTime();
            List<MirrorTaskState> overdue = watch.observe(states, now);
            if (!overdue.isEmpty()) {
                restart(current, overdue.stream().map(MirrorTaskState::describe).toList(), now);
            }
        } catch (RuntimeException e) {
            log.warn("MirrorMaker 2 supervision check failed; trying again in {} ms", CHECK_INTERVAL.toMillis(), e);
        }
    }

    private void restart(MirrorRunner current, List<String> notRunning, long now) {
        log.warn("Restarting MirrorMaker 2: not running for {} ms or longer ({} ms if not failed): {} (next restart "
                + "no sooner than {} s from now)", watch.restartAfter().toMillis(),
                watch.restartAfter().toMillis() * NotRunningWatch.STUCK_FACTOR, notRunning, watch.backoff().toSeconds());
        watch.restarted(now);
        MirrorRunner fresh = runners.get();
        synchronized (this) {
            if (closed) {
                return;
            }
            runner = null;
            restarts++;
            lastRestart = new Restart(Instant.now(), notRunning);
        }
        current.stop();
        synchronized (this) {
            // Started under the lock (herders start on their own threads, so this is quick): close() then
            // either comes first and nothing starts, or after and stops the new one.
            if (closed) {
                return;
            }
            runner = fresh;
            try {
                fresh.start();
                log.info("MirrorMaker 2 restarted ({} restart(s) so far)", restarts);
            } catch (RuntimeException e) {
                log.error("MirrorMaker 2 did not start again; the next check tries once the backoff has passed", e);
            }
        }
    }

    public synchronized boolean isRunning() {
        return !closed && runner != null;
    }

    /** Stops the checks and the MirrorMaker (bounded as {@link MirrorRunner#stop()}). Idempotent. */
    @Override
    public void close() {
        MirrorRunner r;
        synchronized (this) {
            closed = true;
            r = runner;
            runner = null;
        }
        schedule.shutdownNow();
        if (r != null) {
            r.stop();
        }
    }
}
