package dev.maia.cli;

import dev.maia.mirror.MirrorTaskState;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * {@code maia_mirror_task_running{source_region, target_region, connector, task}}: 1 while MirrorMaker's
 * connector ({@code task="connector"}) or task runs in a flow, 0 otherwise, read from the flows' herders
 * every few seconds. The series follow the tasks: a task that goes away takes its series with it.
 */
final class MirrorTaskGauges implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MirrorTaskGauges.class);
    static final long INTERVAL_MS = 5_000;

    private final Supplier<List<MirrorTaskState>> states;
    private final MultiGauge gauge;
    private final ScheduledExecutorService schedule;

    MirrorTaskGauges(Supplier<List<MirrorTaskState>> states, MeterRegistry registry, String name) {
        this.states = states;
        this.gauge = MultiGauge.builder("maia.mirror.task.running")
                .description("1 while a MirrorMaker 2 connector or task of a flow runs").register(registry);
        this.schedule = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mirror-task-gauges-" + name);
            t.setDaemon(true);
            return t;
        });
        schedule.scheduleWithFixedDelay(this::refresh, 0, INTERVAL_MS, TimeUnit.MILLISECONDS);
    }

    void refresh() {
        try {
            gauge.register(states.get().stream().map(s -> MultiGauge.Row.of(Tags.of("source_region", s.source(),
                    "target_region", s.target(), "connector", s.connector(), "task", s.task()), s.running() ? 1 : 0))
                    .toList(), true);
        } catch (RuntimeException e) {
            log.warn("Cannot read MirrorMaker's task states", e);
        }
    }

    @Override
    public void close() {
        schedule.shutdownNow();
    }
}
