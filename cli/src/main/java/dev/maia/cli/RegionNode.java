package dev.maia.cli;

import dev.maia.schemas.topology.KafkaSecurity;
import dev.maia.apply.ApplyListener;
import dev.maia.apply.ApplyService;
import dev.maia.producer.WriteService;
import dev.maia.producer.audit.AuditTrail;
import dev.maia.control.audit.AuditLog;
import dev.maia.schemas.http.Access;
import dev.maia.schemas.http.HttpResponse;
import dev.maia.control.log.ControlLogTopics;
import dev.maia.control.lease.CandidacyLog;
import dev.maia.control.lease.LeaseKeeper;
import dev.maia.control.log.ControlProducer;
import dev.maia.control.log.ControlQuorumProbe;
import dev.maia.control.placement.PlacementLog;
import dev.maia.control.placement.PlacementView;
import dev.maia.control.tenant.TenantLog;
import dev.maia.control.tenant.TenantView;
import dev.maia.control.tenant.UsageLog;
import dev.maia.producer.tenant.TenantAdminRoutes;
import dev.maia.producer.tenant.TenantService;
import dev.maia.schemas.avro.Placement;
import dev.maia.schemas.avro.TenantStatus;
import dev.maia.schemas.placement.Placements;
import dev.maia.control.position.PositionsView;
import dev.maia.schemas.topology.Topology;
import dev.maia.cli.server.ManagementServer;
import dev.maia.cli.server.NotServedRoutes;
import dev.maia.cli.server.RegionHttpServer;
import dev.maia.schemas.wal.WalCodecs;
import dev.maia.schemas.wal.registry.ApicurioWalCodec;
import dev.maia.schemas.wal.crypt.EncryptedWalCodec;
import dev.maia.schemas.wal.WalCodec;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One region's MAIA process: a write service, an apply service (which also serves reads) and the HTTP
 * server they are mounted on, plus {@code /metrics} and {@code /health} there and on the management
 * listener ({@link ManagementServer}). This class is only the wiring.
 */
public final class RegionNode implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RegionNode.class);
    static final int MAX_BODY_BYTES = 1024 * 1024;

    private final RegionConfig config;
    private final Deque<AutoCloseable> toClose = new ArrayDeque<>();
    private ApplyService apply;
    private ControlQuorumProbe probe;
    private WriteService writes;
    private TenantView tenants;
    private RegionHttpServer server;
    private ManagementServer management;
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
        WalCodec plain = WalCodecs.forRegistry(Optional.ofNullable(config.schemaRegistryUrl()));
        toClose.push(() -> WalCodecs.close(plain));
        if (plain instanceof ApicurioWalCodec apicurio) {
            toClose.push(new WalSchemaWarmup(config.region(), apicurio));
        }
        // With a keyring, appends encrypt and every decode decrypts; the store keeps what came off the log.
        WalCodec codec = config.walKeyring().<WalCodec>map(k -> EncryptedWalCodec.reading(plain, k)).orElse(plain);
        WalCodec appends = config.walKeyring().<WalCodec>map(k -> EncryptedWalCodec.writing(plain, k)).orElse(plain);
        config.walKeyring().ifPresent(k -> log.info("Region {} encrypts its WAL: {}", config.region(), k));
        String control = topology.requireControl();
        // One identity for every Kafka client of the region: its own cluster, the control cluster, the others'.
        KafkaSecurity security = config.kafkaSecurity();
        try (Admin admin = Admin.create(security.clientConfig(control))) {
            ControlLogTopics.ensure(admin);
        }
        KafkaProducer<String, byte[]> controlProducer = ControlProducer.create(control, security, "maia-control-" + config.region(),
                config.controlTimeout());
        toClose.push(() -> controlProducer.close(Duration.ofSeconds(1)));
        probe = new ControlQuorumProbe(controlProducer, config.region(), config.controlTimeout());
        toClose.push(probe);
        probe.start();
        PlacementView placements = new PlacementView(control, security, config.region());
        toClose.push(placements);
        PositionsView positions = new PositionsView(config.bootstrapServers(), security, config.region());
        toClose.push(positions);
        tenants = new TenantView(control, security, config.region());
        toClose.push(tenants);
        UsageLog usage = new UsageLog(control, security, config.region());
        toClose.push(usage);
        apply = ApplyService.open(config.applyConfig(), codec, registry);
        toClose.push(apply);
        writes = new WriteService(config.writeConfig(), topology, appends, apply.currentState(), placements,
                new PlacementLog(controlProducer, placements, config.controlTimeout()), positions, registry,
                new AuditTrail(config.region(), new AuditLog(controlProducer)::publish),
                new LeaseKeeper(controlProducer, placements, config.region(), config.writeConfig().leaseSettings(), System::nanoTime),
                new CandidacyLog(controlProducer, placements, config.controlTimeout()));
        toClose.push(writes);
        placements.start(Duration.ofSeconds(60));
        tenants.start(Duration.ofSeconds(60));
        usage.start();
        positions.start();
        writes.start(this::deleted);
        apply.start(placements, this::deleted,
                usage::publish, positions::applied, topology, (region, entry) -> {
            writes.observeApplied(entry);
            listener.applied(region, entry);
        }, Duration.ofSeconds(60));

        server = new RegionHttpServer(config.region(), "api", config.host(), config.port(), config.httpLimits(MAX_BODY_BYTES),
                config.keyring().withDirectory(tenants), registry, config.httpTls());
        toClose.push(server);
        writes.mount(server);
        new TenantAdminRoutes(new TenantService(config.region(), tenants,
                new TenantLog(controlProducer, tenants, config.controlTimeout()), writes.placements(), usage,
                config.keyring().configuredTenants())).mount(server);
        apply.mount(server);
        NotServedRoutes.mount(server);
        // The metrics name every tenant and its volume: on the API port only for the metrics or admin key.
        // Answered on Jetty's threads, never behind the route pool's waits: a probe sees the process, not its queue.
        server.addInline("GET", "/metrics", Access.METRICS, r -> ManagementServer.metrics(registry::scrape));
        server.addInline("GET", "/health", Access.PUBLIC, r -> health(false));
        server.start();
        management = ManagementServer.start(config.region(), config.management(), registry, registry::scrape, r -> health(true),
                        config.httpTls())
                .orElse(null);
        if (management != null) {
            toClose.push(management);
        }
        log.info("Region {} serving on {}{}", config.region(), endpoint(),
                management == null ? "" : ", management (/metrics, /health) on " + management.endpoint());
    }

    /**
     * 503 only when the region cannot apply; a region cut off from the control cluster's majority still
     * serves its tenants but cannot change placements, and says so ({@code control}, status {@code degraded}).
     * The API port answers anyone (load balancers), so there an apply failure says only its kind: its
     * text may name a tenant's topic. The management listener's answer has the whole text.
     */
    private HttpResponse health(boolean detailed) {
        ControlQuorumProbe.Status control = probe.status();
        boolean applying = apply.failure().isEmpty();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("region", config.region());
        body.put("status", !applying ? "failed" : control.majority() && writes.lease().held() ? "ok" : "degraded");
        body.put("apply", apply.streamsState().name());
        body.put("error", apply.failure().map(e -> detailed ? String.valueOf(e.getMessage()) : e.getClass().getSimpleName())
                .orElse(""));
        body.put("control", Map.of("status", control.majority() ? "ok" : "no_quorum", "checked_at", control.at().toString(),
                "error", control.error()));
        // Without its lease the region accepts no writes of the tenants that can fail over; a blocked failover
        // is a tenant nobody may write until a region that holds all its acknowledged writes is back.
        body.put("lease", Map.of("held", writes.lease().held(), "remaining_ms", writes.lease().remaining().toMillis()));
        Map<String, String> blocked = writes.blockedFailovers();
        body.put("failover", Map.of("blocked", blocked.keySet().stream().sorted().map(t -> detailed
                ? Map.of("tenant_id", t, "reason", blocked.get(t)) : Map.of("tenant_id", t)).toList()));
        return HttpResponse.json(applying ? 200 : 503, body);
    }

    public String region() {
        return config.region();
    }

    public String endpoint() {
        return server.endpoint();
    }

    /** The management listener's {@code http://host:port}; empty when the configuration has none. */
    public Optional<String> managementEndpoint() {
        return Optional.ofNullable(management).map(ManagementServer::endpoint);
    }

    /** The regions that hold the tenant's data by the placement in effect here; empty while it has none. */
    public List<String> holders(String tenant) {
        return placement(tenant).map(Placements::holders).orElse(List.of());
    }

    /** The tenant's placement in effect here, as this region has read the control log. */
    public Optional<Placement> placement(String tenant) {
        return writes.placements().get(tenant);
    }

    /** Whether the tenant is deleted by the control log as this region has read it. */
    public boolean deleted(String tenant) {
        return tenants.tenant(tenant).filter(t -> t.getStatus() == TenantStatus.deleted).isPresent();
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
