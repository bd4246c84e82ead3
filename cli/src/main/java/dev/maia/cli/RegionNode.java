package dev.maia.cli;

import com.sun.net.httpserver.HttpServer;
import dev.maia.apply.ApplyListener;
import dev.maia.apply.ApplyService;
import dev.maia.apply.TenantHolding;
import dev.maia.apply.lag.LagMonitor;
import dev.maia.apply.lag.LagProbe;
import dev.maia.apply.position.PositionTracker;
import dev.maia.apply.locality.DataLocalityEnforcer;
import dev.maia.apply.read.ReadRoutes;
import dev.maia.apply.store.ChronicleReplicaStore;
import dev.maia.apply.store.ReplicaStore;
import dev.maia.producer.WriteService;
import dev.maia.schemas.http.Access;
import dev.maia.cli.server.ApiKeyring;
import dev.maia.schemas.http.HttpResponse;
import dev.maia.control.placement.PlacementView;
import dev.maia.control.position.PositionsView;
import dev.maia.schemas.topology.RegionSpec;
import dev.maia.schemas.topology.Topology;
import dev.maia.cli.server.HttpRouter;
import dev.maia.schemas.wal.WalCodecs;
import dev.maia.schemas.wal.WalCodec;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * One region's MAIA process: the write path, the apply path and the read path behind one HTTP endpoint,
 * plus {@code /metrics}. Each part could run alone; this is the wiring.
 */
public final class RegionNode implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RegionNode.class);
    static final int MAX_BODY_BYTES = 1024 * 1024;

    private final RegionConfig config;
    private final Deque<AutoCloseable> toClose = new ArrayDeque<>();
    private ReplicaStore store;
    private ApplyService apply;
    private LagMonitor lag;
    private HttpServer server;
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
        ApiKeyring keyring = config.keyring();
        // Without a registry URL, Avro single-object encoding; with one, the Apicurio serde.
        WalCodec codec = WalCodecs.forRegistry(java.util.Optional.ofNullable(config.schemaRegistryUrl()));
        toClose.push(() -> WalCodecs.close(codec));
        store = ChronicleReplicaStore.open(config.applyConfig().store(), codec);
        toClose.push(store);
        PlacementView placements = new PlacementView(config.bootstrapServers(), config.region());
        toClose.push(placements);
        PositionsView positions = new PositionsView(config.bootstrapServers(), config.region());
        toClose.push(positions);
        PositionTracker applied = new PositionTracker(store);
        WriteService writes = new WriteService(config.writeConfig(), topology, codec, applied, placements, positions, registry);
        toClose.push(writes);
        placements.start(Duration.ofSeconds(60));
        positions.start();
        ApplyListener observeClock = (region, entry) -> {
            writes.observeApplied(entry);
            listener.applied(region, entry);
        };
        apply = new ApplyService(config.applyConfig(), codec, store, applied, TenantHolding.byPlacement(config.region(), placements::get),
                registry, observeClock);
        toClose.push(apply);
        apply.start(Duration.ofSeconds(60));
        toClose.push(new DataLocalityEnforcer(config.region(), config.bootstrapServers(), placements::all, store,
                apply.positions(), 2000, 10_000));
        lag = new LagMonitor(config.region(), new LagProbe(topology), placements::all, apply.positions(), registry, 2000);
        toClose.push(lag);

        HttpRouter router = new HttpRouter(MAX_BODY_BYTES, keyring);
        writes.mount(router);
        ReadRoutes.PrimaryLocator primaries = tenant -> config.redirectReadsOnTimeout()
                ? placements.get(tenant).flatMap(p -> topology.region(p.getPrimaryRegion())).map(RegionSpec::endpoint)
                : java.util.Optional.empty();
        new ReadRoutes(store, apply.positions(), config.readWait(), primaries).mount(router);
        router.add("GET", "/metrics", Access.PUBLIC, r -> HttpResponse.text(200, registry.scrape(), "text/plain; version=0.0.4"));
        router.add("GET", "/health", Access.PUBLIC, r -> HttpResponse.json(apply.failure().isEmpty() ? 200 : 503,
                Map.of("region", config.region(), "apply", apply.state().name(),
                        "error", apply.failure().map(Throwable::getMessage).orElse(""))));
        server = HttpServer.create(new InetSocketAddress(config.host(), config.port()), 128);
        ExecutorService executor = Executors.newFixedThreadPool(16, r -> {
            Thread t = new Thread(r, "http-" + config.region());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", router);
        server.start();
        toClose.push(() -> {
            server.stop(0);
            executor.shutdownNow();
        });
        log.info("Region {} serving on {}", config.region(), endpoint());
    }

    public String region() {
        return config.region();
    }

    public String endpoint() {
        return "http://" + config.host() + ":" + server.getAddress().getPort();
    }

    public ReplicaStore store() {
        return store;
    }

    public ApplyService apply() {
        return apply;
    }

    public LagMonitor lag() {
        return lag;
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
