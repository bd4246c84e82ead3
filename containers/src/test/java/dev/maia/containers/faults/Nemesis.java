package dev.maia.containers.faults;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs a schedule of faults one after the other: inject, hold, heal, wait until the hit containers are healthy,
 * then what the run does between faults (the long form moves failed-over tenants back), a quiet pause. Every
 * fault injected is remembered until healed, and {@link #healAll} (called in a finally) heals whatever is left,
 * also when the run failed half way.
 */
public final class Nemesis {

    private static final Logger log = LoggerFactory.getLogger(Nemesis.class);
    /**
     * Restarted regions were healthy after 72-112 s in the short form; twice (a long form, and the short form on
     * 2026-12-06) ap-tokyo's restarted MAIA was still "unhealthy" at 3 minutes, cause not yet known (the failure
     * now carries its healthchecks and log). 5 minutes tells a slow recovery from one that never comes.
     */
    private static final Duration HEALTHY = Duration.ofMinutes(5);

    /** One step: the fault, how long it lasts, the pause after it. */
    public record Step(Fault fault, Duration hold, Duration quiet) {
    }

    private final Docker docker;
    private final History history;
    private final ReplicationLag lag;
    private final List<FaultTenant> tenants;
    private final Set<Fault> active = new LinkedHashSet<>();
    private final List<FaultEvent> events = new ArrayList<>();
    private final Runnable betweenFaults;

    /** @param betweenFaults runs after each fault healed and its containers are healthy, before the quiet pause */
    public Nemesis(Docker docker, History history, ReplicationLag lag, List<FaultTenant> tenants, Runnable betweenFaults) {
        this.docker = docker;
        this.history = history;
        this.lag = lag;
        this.tenants = tenants;
        this.betweenFaults = betweenFaults;
    }

    public List<FaultEvent> run(List<Step> schedule) throws InterruptedException {
        for (Step step : schedule) {
            Fault f = step.fault();
            Map<String, Double> lagAtStart = new LinkedHashMap<>();
            tenants.forEach(t -> lagAtStart.put(t.id(), lag.seconds(t)));
            log.info("nemesis: {} for {} s (lag at start {})", f.name(), step.hold().toSeconds(), lagAtStart);
            active.add(f);
            f.inject(docker);
            // The fault's start is when it holds (docker kill/pause and wan cut have returned), not when it was asked for.
            long injected = System.currentTimeMillis();
            history.add(new Op("fault", null, f.name(), null, f.region(), "inject", 0, null, null, -1, -1, injected, injected, 0));
            Thread.sleep(step.hold().toMillis());
            long healed = System.currentTimeMillis();
            f.heal(docker);
            active.remove(f);
            history.add(new Op("fault", null, f.name(), null, f.region(), "heal", 0, null, null, -1, -1, healed, healed, 0));
            for (String c : f.containers(docker)) {
                docker.awaitHealthy(c, HEALTHY);
            }
            long healthy = System.currentTimeMillis();
            log.info("nemesis: {} healed, healthy again {} s after", f.name(), (healthy - healed) / 1000);
            events.add(new FaultEvent(f.name(), f.region(), injected, healed, healthy, lagAtStart));
            betweenFaults.run();
            Thread.sleep(step.quiet().toMillis());
        }
        return List.copyOf(events);
    }

    /** Heals every fault still injected (each one's heal is safe to call twice); failures are logged, not thrown. */
    public void healAll() {
        for (Fault f : List.copyOf(active)) {
            try {
                f.heal(docker);
                active.remove(f);
                log.info("nemesis: {} healed at the end", f.name());
            } catch (RuntimeException e) {
                log.error("nemesis: cannot heal {}", f.name(), e);
            }
        }
    }

    public List<FaultEvent> events() {
        return List.copyOf(events);
    }
}
