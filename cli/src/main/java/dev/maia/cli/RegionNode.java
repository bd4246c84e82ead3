package dev.maia.cli;

import dev.maia.apply.ApplyListener;
import dev.maia.apply.ApplyService;
import dev.maia.producer.WriteService;
import dev.maia.schemas.http.Access;
import dev.maia.schemas.http.HttpResponse;
import dev.maia.control.placement.PlacementView;
import dev.maia.control.position.PositionsView;
import dev.maia.schemas.topology.Topology;
import dev.maia.cli.server.RegionHttpServer;
import dev.maia.schemas.wal.WalCodecs;
import dev.maia.schemas.wal.WalCodec;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;

/**
 * One region's MAIA process: a write service, an apply service (which also serves reads) and the HTTP
 * server they are mounted on, plus {@code /metrics} and {@code /health}. This class is only the wiring.
 */
public final class RegionNode implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RegionNode.class);
    static final int MAX_BODY_BYTES = 1024 * 1024;

    private final RegionConfig config;
    private final Deque<AutoCloseable> toClose = new ArrayDeque<>();
    private ApplyService apply;
    private RegionHttpServer server;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    private RegionNode(RegionConfig config) {
        this.config = config;
    }

    /** Starts every part; on failure, stops what had started and rethrows. */
    public static RegionNode start(RegionConfig config, Topology topology, ApplyListener listener) throws Exception {
        RegionNode node = new RegionNode(config);
        try {
            node.startParts(topology, listener);
            return node;
        } catch (Exception | Error e) {
            node.close();
            throw e;
        }
    }

    private void startParts(Topology topology, ApplyListener listener) throws Exception {
        // Without a registry URL, Avro single-object encoding; with one, the Apicurio serde.
        WalCodec codec = WalCodecs.forRegistry(Optional.ofNullable(config.schemaRegistryUrl()));
        toClose.push(() -> WalCodecs.close(codec));
        PlacementView placements = new PlacementView(config.bootstrapServers(), config.region());
        toClose.push(placements);
        PositionsView positions = new PositionsView(config.bootstrapServers(), config.region());
        toClose.push(positions);
        apply = ApplyService.open(config.applyConfig(), codec, registry);
        toClose.push(apply);
        WriteService writes = new WriteService(config.writeConfig(), topology, codec, apply.currentState(), placements, positions, registry);
        toClose.push(writes);
        placements.start(Duration.ofSeconds(60));
        positions.start();
        apply.start(placements, positions::applied, topology, (region, entry) -> {
            writes.observeApplied(entry);
            listener.applied(region, entry);
        }, Duration.ofSeconds(60));

        server = new RegionHttpServer(config.region(), config.host(), config.port(), MAX_BODY_BYTES, config.keyring());
        toClose.push(server);
        writes.mount(server);
        apply.mount(server);
        server.add("GET", "/metrics", Access.PUBLIC, r -> HttpResponse.text(200, registry.scrape(), "text/plain; version=0.0.4"));
        server.add("GET", "/health", Access.PUBLIC, r -> HttpResponse.json(apply.failure().isEmpty() ? 200 : 503,
                Map.of("region", config.region(), "apply", apply.streamsState().name(),
                        "error", apply.failure().map(Throwable::getMessage).orElse(""))));
        server.start();
        log.info("Region {} serving on {}", config.region(), endpoint());
    }

    public String region() {
        return config.region();
    }

    public String endpoint() {
        return server.endpoint();
    }

    public ApplyService apply() {
        return apply;
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    @Override
    public void close() {
        while (!toClose.isEmpty()) {
            try {
                toClose.pop().close();
            } catch (Exception e) {
                log.warn("Error while stopping region {}", config.region(), e);
            }
        }
    }

}
