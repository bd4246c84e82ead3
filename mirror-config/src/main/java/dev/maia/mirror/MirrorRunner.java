package dev.maia.mirror;

import dev.maia.schemas.topology.Topology;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.connect.mirror.MirrorCheckpointConnector;
import org.apache.kafka.connect.mirror.MirrorHeartbeatConnector;
import org.apache.kafka.connect.mirror.MirrorMaker;
import org.apache.kafka.connect.mirror.MirrorMakerConfig;
import org.apache.kafka.connect.mirror.MirrorSourceConnector;
import org.apache.kafka.connect.mirror.SourceAndTarget;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Runs MirrorMaker 2 (dedicated mode) inside this JVM for a topology.
 *
 * <p>One instance runs MM2 at most once: {@link #start()} and {@link #stop()} are idempotent, and a
 * stopped runner is not started again (MM2's {@code MirrorMaker} object is single-use); to resume
 * mirroring, create a new runner with the same configuration. MM2 keeps its progress in the clusters
 * ({@code mm2-offsets.*} topics), so the new instance resumes from the last committed offsets
 * (at-least-once: a few duplicates are possible after a stop).
 *
 * <p>Stopping MM2 takes 8-12 s here and up to 90 s when a cluster is gone, so {@link #stop(Duration)}
 * waits a bounded time and then gives up with a warning rather than hang the caller.
 *
 * <p>With target regions it runs only the flows into them (MM2's dedicated-mode {@code --clusters}): a
 * deployment can run one MM2 per region, each beside the cluster it writes into, instead of one for all.
 */
public final class MirrorRunner implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MirrorRunner.class);
    /** The connectors MM2 runs in every flow. */
    private static final List<String> CONNECTORS = List.of(MirrorSourceConnector.class.getSimpleName(),
            MirrorCheckpointConnector.class.getSimpleName(), MirrorHeartbeatConnector.class.getSimpleName());
    /** Long enough for a normal stop (8-12 s measured), short enough not to hang a test run on a dead cluster. */
    public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(30);

    private enum State { NEW, RUNNING, STOPPED }

    private final Map<String, String> config;
    /** The clusters whose incoming flows this runner runs; empty: every flow of the configuration. */
    private final List<String> targets;
    private MirrorMaker mirrorMaker;
    /** The flows whose herders run here, as MM2 derives them from the configuration; set by {@link #start}. */
    private List<SourceAndTarget> flows = List.of();
    private State state = State.NEW;

    public MirrorRunner(Map<String, String> config) {
        this(config, List.of());
    }

    /** Runs only the flows into {@code targets} (cluster aliases of the configuration); empty: every flow. */
    public MirrorRunner(Map<String, String> config, List<String> targets) {
        this.config = Map.copyOf(Objects.requireNonNull(config, "config"));
        this.targets = List.copyOf(Objects.requireNonNull(targets, "targets"));
    }

    public static MirrorRunner forTopology(Topology topology, MirrorOptions options) {
        return new MirrorRunner(MirrorConfig.generate(topology, options));
    }

    public Map<String, String> config() {
        return config;
    }

    public List<String> targets() {
        return targets;
    }

    /** Starts MM2's herders (one per flow) and returns; replication begins a few seconds later. */
    public synchronized MirrorRunner start() {
        switch (state) {
            case RUNNING -> {
                return this;
            }
            case STOPPED -> throw new IllegalStateException(
                    "this MirrorRunner was stopped; MM2 cannot be restarted in place, create a new runner");
            default -> { }
        }
        long t0 = System.nanoTime();
        log.info("starting MirrorMaker 2 for clusters {}, flows into {}", config.get("clusters"),
                targets.isEmpty() ? "every cluster" : targets);
        // MM2 runs a herder per flow whose target is in its list; null means every cluster.
        MirrorMaker mm = new MirrorMaker(config, targets.isEmpty() ? null : targets, Time.SYSTEM);
        mirrorMaker = mm;
        flows = new MirrorMakerConfig(config).clusterPairs().stream()
                .filter(flow -> targets.isEmpty() || targets.contains(flow.target())).toList();
        state = State.RUNNING;
        try {
            mm.start();
        } catch (RuntimeException e) {
            log.error("MirrorMaker 2 failed to start; stopping what it started", e);
            stop();
            throw e;
        }
        log.info("MirrorMaker 2 started in {} ms (herders up; flows replicate once their tasks run)",
                (System.nanoTime() - t0) / 1_000_000);
        return this;
    }

    /**
     * Whether each connector and task of every enabled flow this runner runs is running, as the flows'
     * herders report it: nothing before {@link #start} or after {@link #stop}; a connector its herder does
     * not know (yet) is not running, with no task. A flow whose target this process does not run is left out.
     */
    public List<MirrorTaskState> taskStates() {
        MirrorMaker mm;
        List<SourceAndTarget> herders;
        synchronized (this) {
            mm = state == State.RUNNING ? mirrorMaker : null;
            herders = flows;
        }
        List<MirrorTaskState> out = new ArrayList<>();
        if (mm == null) {
            return out;
        }
        for (SourceAndTarget flow : herders) {
            for (String connector : CONNECTORS) {
                ConnectorStateInfo info;
                try {
                    info = mm.connectorStatus(flow, connector);
                } catch (RuntimeException e) {
                    // NotFoundException: its herder does not know the connector yet.
                    log.debug("No status of {} in {}: {}", connector, flow, e.toString());
                    out.add(new MirrorTaskState(flow.source(), flow.target(), connector, MirrorTaskState.CONNECTOR,
                            MirrorTaskState.UNKNOWN));
                    continue;
                }
                out.add(new MirrorTaskState(flow.source(), flow.target(), connector, MirrorTaskState.CONNECTOR,
                        info.connector().state()));
                for (ConnectorStateInfo.TaskState task : info.tasks()) {
                    out.add(new MirrorTaskState(flow.source(), flow.target(), connector, Integer.toString(task.id()),
                            task.state()));
                }
            }
        }
        return out;
    }

    public synchronized boolean isRunning() {
        return state == State.RUNNING;
    }

    public void stop() {
        stop(DEFAULT_STOP_TIMEOUT);
    }

    /**
     * Stops MM2 and waits at most {@code timeout}. MM2's own stop runs on a daemon thread so that a
     * herder stuck on an unreachable cluster cannot block the caller (or JVM exit) indefinitely.
     */
    public void stop(Duration timeout) {
        MirrorMaker mm;
        synchronized (this) {
            if (state != State.RUNNING) {
                state = State.STOPPED;
                return;
            }
            state = State.STOPPED;
            mm = mirrorMaker;
            mirrorMaker = null;
        }
        long t0 = System.nanoTime();
        Thread stopper = new Thread(() -> {
            try {
                mm.stop();
                mm.awaitStop();
            } catch (RuntimeException e) {
                log.warn("MirrorMaker 2 stop failed", e);
            }
        }, "maia-mm2-stop");
        stopper.setDaemon(true);
        stopper.start();
        try {
            stopper.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (stopper.isAlive()) {
            log.warn("MirrorMaker 2 did not stop within {} ms; leaving its stop running in the background",
                    timeout.toMillis());
        } else {
            log.info("MirrorMaker 2 stopped in {} ms", (System.nanoTime() - t0) / 1_000_000);
        }
    }

    @Override
    public void close() {
        stop();
    }
}
