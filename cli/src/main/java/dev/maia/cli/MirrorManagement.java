package dev.maia.cli;

import dev.maia.cli.server.ManagementServer;
import dev.maia.mirror.MirrorOptions;
import dev.maia.mirror.MirrorSupervisor;
import dev.maia.mirror.MirrorTaskState;
import dev.maia.schemas.http.HttpResponse;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The management listener of {@code maia mirror}: {@code /metrics} with {@code maia_mirror_task_running}
 * of every flow it runs and {@code maia_mirror_restarts_total}, and {@code /health} (200 while every
 * connector and task runs, 503 otherwise, with the ones that do not; both with the restarts so far).
 */
final class MirrorManagement implements AutoCloseable {
    private final MirrorSupervisor mirror;
    private final MirrorOptions options;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private MirrorTaskGauges gauges;
    private ManagementServer server;

    MirrorManagement(MirrorSupervisor mirror, MirrorOptions options) {
        this.mirror = mirror;
        this.options = options;
    }

    /** Starts the gauges and, if the options declare one, the listener. */
    synchronized void start() throws IOException {
        gauges = new MirrorTaskGauges(mirror::taskStates, registry, "mirror");
        FunctionCounter.builder("maia.mirror.restarts", mirror, MirrorSupervisor::restarts)
                .description("MirrorMaker 2 restarts because a connector or task of a flow did not run")
                .register(registry);
        server = ManagementServer.start("mirror", options.management(), registry, registry::scrape, r -> health()).orElse(null);
    }

    /** Where the listener is, for the start message; empty without one. */
    synchronized String describe() {
        return server == null ? "" : ", management (/metrics, /health) on " + server.endpoint();
    }

    synchronized String endpoint() {
        return server == null ? null : server.endpoint();
    }

    PrometheusMeterRegistry registry() {
        return registry;
    }

    private HttpResponse health() {
        List<MirrorTaskState> states = mirror.taskStates();
        List<String> notRunning = states.stream().filter(s -> !s.running()).map(MirrorTaskState::describe).toList();
        boolean ok = !states.isEmpty() && notRunning.isEmpty();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", ok ? "ok" : states.isEmpty() ? "starting" : "degraded");
        body.put("running", states.size() - notRunning.size());
        body.put("not_running", notRunning);
        body.put("restarts", mirror.restarts());
        MirrorSupervisor.Restart last = mirror.lastRestart();
        if (last != null) {
            body.put("last_restart", Map.of("at", last.at().toString(), "not_running", last.notRunning()));
        }
        return HttpResponse.json(ok ? 200 : 503, body);
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.close();
        }
        if (gauges != null) {
            gauges.close();
        }
    }
}
