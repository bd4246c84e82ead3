package dev.maia.cli.server;

import dev.maia.control.config.ManagementKeys;
import dev.maia.schemas.http.Access;
import dev.maia.schemas.http.HttpResponse;
import dev.maia.schemas.http.Route;

import io.micrometer.core.instrument.MeterRegistry;

import java.io.IOException;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A process's management listener: {@code /metrics} (Prometheus text) and {@code /health}, on its own
 * address, apart from the API, so that the API port can be published without the metrics, which name
 * every tenant and its volume. With a metrics key, {@code /metrics} asks for it ({@code Authorization:
 * Bearer <metrics_key>}, 401 otherwise); without one the listener is on loopback ({@link ManagementKeys}
 * refuses anything else) and answers anyone who reaches it. {@code /health} answers anyone: load
 * balancers and orchestrators ask it.
 */
public final class ManagementServer implements AutoCloseable {
    /** Prometheus' text exposition format. */
    public static final String METRICS_CONTENT_TYPE = "text/plain; version=0.0.4";

    private final RegionHttpServer server;

    private ManagementServer(RegionHttpServer server) {
        this.server = server;
    }

    /** Starts the listener the keys declare; empty when they declare none (no port). */
    public static Optional<ManagementServer> start(String name, ManagementKeys.Listener listener, MeterRegistry registry,
                                                   Supplier<String> scrape, Route health) throws IOException {
        return start(name, listener, registry, scrape, health, Optional.empty());
    }

    /** The same, speaking HTTPS with {@code tls} when present (the metrics key then never crosses the network in clear). */
    public static Optional<ManagementServer> start(String name, ManagementKeys.Listener listener, MeterRegistry registry,
                                                   Supplier<String> scrape, Route health, Optional<HttpTls> tls) throws IOException {
        if (listener.port().isEmpty()) {
            return Optional.empty();
        }
        ApiKeyring keyring = ApiKeyring.metricsOnly(listener.metricsKey().map(ApiKeyring::hash).orElse(null));
        RegionHttpServer server = new RegionHttpServer(name + "-mgmt", "management", listener.host(), listener.port().get(),
                HttpLimits.management(), keyring, registry, tls);
        // Both answer on Jetty's threads: a scrape or a probe never queues behind the API's waits.
        server.addInline("GET", "/metrics", keyring.hasMetricsKey() ? Access.METRICS : Access.PUBLIC, r -> metrics(scrape));
        server.addInline("GET", "/health", Access.PUBLIC, health);
        server.start();
        return Optional.of(new ManagementServer(server));
    }

    /** The answer of a {@code /metrics} route: the registry's scrape as Prometheus text. */
    public static HttpResponse metrics(Supplier<String> scrape) {
        return HttpResponse.text(200, scrape.get(), METRICS_CONTENT_TYPE);
    }

    /** {@code http://host:port} ({@code https} with TLS), the port the listener got. */
    public String endpoint() {
        return server.endpoint();
    }

    @Override
    public void close() {
        server.close();
    }
}
