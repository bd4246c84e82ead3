package dev.maia.mirror;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * When {@link MirrorSupervisor} should restart MirrorMaker 2: once a connector or task has been seen
 * {@code FAILED}, without a sighting of it running in between, for {@code restartAfter}, or in another
 * not-running state (unassigned, unknown to its herder) for {@link #STUCK_FACTOR} times that, and no sooner after the
 * last restart than the backoff, which doubles with every restart (a target cluster that stays down would
 * fail every new MirrorMaker the same way) up to {@link #MAX_BACKOFF} and starts over once every connector
 * and task has run for a whole backoff. Times are monotonic nanoseconds.
 */
final class NotRunningWatch {
    static final Duration MAX_BACKOFF = Duration.ofMinutes(5);
    /**
     * A failed task never runs again by itself; an unassigned or unknown one usually is a herder still joining
     * its group or waiting for its cluster (a starting stack on a loaded machine took over a minute), which
     * Connect resolves alone and a restart would only start over.
     */
    static final int STUCK_FACTOR = 5;

    private final long restartAfter;
    /** Since when each connector or task (by flow, connector and task) has been seen not running. */
    private final Map<String, Long> notRunningSince = new HashMap<>();
    private long allRunningSince = -1;
    private long backoff;
    private long noRestartBefore = Long.MIN_VALUE;

    NotRunningWatch(Duration restartAfter) {
        if (restartAfter.isZero() || restartAfter.isNegative()) {
            throw new IllegalArgumentException("restartAfter must be positive: " + restartAfter);
        }
        this.restartAfter = restartAfter.toNanos();
        this.backoff = this.restartAfter;
    }

    /**
     * Takes the states seen at {@code now}; returns the ones not running for long enough when a restart is
     * due, else nothing. A connector or task that disappeared from the states is forgotten.
     */
    List<MirrorTaskState> observe(List<MirrorTaskState> states, long now) {
        Map<String, Long> seen = new HashMap<>();
        List<MirrorTaskState> overdue = new ArrayList<>();
        for (MirrorTaskState s : states) {
            if (s.running()) {
                continue;
            }
            long since = notRunningSince.getOrDefault(s.id(), now);
            seen.put(s.id(), since);
            if (now - since >= (s.failed() ? restartAfter : restartAfter * STUCK_FACTOR)) {
                overdue.add(s);
            }
        }
        notRunningSince.clear();
        notRunningSince.putAll(seen);
        if (seen.isEmpty() && !states.isEmpty()) {
            if (allRunningSince < 0) {
                allRunningSince = now;
            } else if (now - allRunningSince >= backoff) {
                backoff = restartAfter;
            }
        } else {
            allRunningSince = -1;
        }
        return overdue.isEmpty() || now < noRestartBefore ? List.of() : overdue;
    }

    /** A restart happened at {@code now}: every clock starts over, the next one waits a doubled backoff. */
    void restarted(long now) {
        notRunningSince.clear();
        allRunningSince = -1;
        noRestartBefore = now + backoff;
        backoff = Math.min(backoff * 2, Math.max(restartAfter, MAX_BACKOFF.toNanos()));
    }

    Duration restartAfter() {
        return Duration.ofNanos(restartAfter);
    }

    /** How long after the last restart the next one may come, at the earliest. */
    Duration backoff() {
        return Duration.ofNanos(backoff);
    }
}
