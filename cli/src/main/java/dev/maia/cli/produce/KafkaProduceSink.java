package dev.maia.cli.produce;

import dev.maia.schemas.topology.KafkaSecurity;
import dev.maia.control.config.TopicReplication;
import dev.maia.control.placement.PlacementView;
import dev.maia.producer.MemoryRequests;
import dev.maia.producer.ResourceChanges;
import dev.maia.producer.WalAppender;
import dev.maia.producer.WalTopicProvisioner;
import dev.maia.producer.WriteLimits;
import dev.maia.schemas.avro.Memory;
import dev.maia.schemas.avro.Placement;
import dev.maia.schemas.avro.ResourceType;
import dev.maia.schemas.avro.WALEntry;
import dev.maia.schemas.http.ApiException;
import dev.maia.schemas.read.CurrentState;
import dev.maia.schemas.topology.RegionSpec;
import dev.maia.schemas.topology.Topology;
import dev.maia.schemas.wal.HybridLogicalClock;
import dev.maia.schemas.wal.PositionToken;
import dev.maia.schemas.wal.WalCodec;
import dev.maia.schemas.wal.crypt.EncryptedWalCodec;
import dev.maia.schemas.wal.crypt.MissingKeyException;
import dev.maia.schemas.wal.crypt.WalKeyring;
import dev.maia.schemas.wal.WalCodecs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

/**
 * {@code --via kafka}: builds WAL entries of memory creates with the write path's own step
 * ({@link ResourceChanges}: the same validation, ids, clock and entries as {@code POST /v1/memories}) and
 * appends them with the producer library ({@link WalAppender}: idempotent, {@code acks=all}) to the
 * region's cluster, skipping the HTTP hop. It keeps the write path's one hard rule: nothing is appended
 * for a tenant whose primary is not this region, so it reads the placements first (as the region does)
 * and checks every record against them.
 */
public final class KafkaProduceSink implements ProduceSink {
    private static final Logger log = LoggerFactory.getLogger(KafkaProduceSink.class);
    /** Enough to keep the producer's batches full; bounded so Ctrl-C has little left to wait for. */
    static final int MAX_IN_FLIGHT = 2000;

    /**
     * The current state this sink builds on: none. It has no region store to read and only creates, so
     * every create is built as the first change of its resource (a client-chosen id that exists already
     * is not refused here; the ordering rule decides between the two creates where they are applied).
     */
    private static final CurrentState NO_STORE = new CurrentState() {
        @Override
        public Optional<WALEntry> current(String tenantId, ResourceType type, String resourceId) {
            return Optional.empty();
        }

        @Override
        public boolean awaitApplied(String origin, String tenantId, int partition, long offset, long timeoutMs) {
            return true;
        }

        @Override
        public List<String> namespacesNamed(String tenantId, String name) {
            return List.of();
        }
    };

    private final String region;
    private final PlacementView placements;
    private final Admin admin;
    private final WalCodec codec;
    private final WalAppender appender;
    private final ResourceChanges<Memory> creates;

    private KafkaProduceSink(RegionSpec region, PlacementView placements, Admin admin, WalCodec codec, WalAppender appender) {
        this.region = region.name();
        this.placements = placements;
        this.admin = admin;
        this.codec = codec;
        this.appender = appender;
        // A run's own clock is enough: its creates order after nothing it could read. Its appends are never
        // read back here, so it has no own writes to overlay.
        this.creates = new ResourceChanges<>(region.name(), new MemoryRequests(WriteLimits.DEFAULTS), NO_STORE,
                new HybridLogicalClock(), WriteLimits.DEFAULTS);
    }

    /**
     * Connects to the region's cluster and loads every placement from the control log before anything can
     * be written. A tenant's log it creates gets the deployment's {@link Topology#walPartitions()}.
     */
    public static KafkaProduceSink open(Topology topology, RegionSpec region, Optional<String> schemaRegistryUrl)
            throws InterruptedException, TimeoutException {
        return open(topology, region, schemaRegistryUrl, Optional.empty());
    }

    /** As above; with a WAL keyring, entries are encrypted as the region's own appends are (docs/security.md). */
    public static KafkaProduceSink open(Topology topology, RegionSpec region, Optional<String> schemaRegistryUrl,
                                        Optional<WalKeyring> walKeyring) throws InterruptedException, TimeoutException {
        int walPartitions = topology.walPartitions();
        // The operator's identity (kafka_security of the topology), on the control cluster and the region's.
        KafkaSecurity security = topology.requireKafkaSecurity();
        PlacementView view = new PlacementView(topology.requireControl(), security, "produce-" + region.name());
        WalCodec codec = null;
        Admin admin = null;
        try {
            view.start(Duration.ofSeconds(30));
            admin = Admin.create(security.clientConfig(region.bootstrapServers()));
            codec = WalCodecs.forRegistry(schemaRegistryUrl);
            // The partition count is the deployment's; replication is the cluster's own default, as a region
            // process configured with the defaults would create the log.
            // Single appends only: the region's transactional (batch) producer identity is never taken.
            WalCodec plain = codec;
            WalCodec appends = walKeyring.<WalCodec>map(k -> EncryptedWalCodec.writing(plain, k)).orElse(plain);
            WalAppender appender = new WalAppender(region.bootstrapServers(), security, region.name(), appends,
                    new WalTopicProvisioner(admin, walPartitions, TopicReplication.CLUSTER_DEFAULTS));
            return new KafkaProduceSink(region, view, admin, codec, appender);
        } catch (InterruptedException | TimeoutException | RuntimeException e) {
            view.close();
            if (admin != null) {
                admin.close();
            }
            if (codec != null) {
                WalCodecs.close(codec);
            }
            throw e;
        }
    }

    /**
     * Refuses the run (before anything is written) if any tenant has no placement or a primary other than
     * this region. A placement written moments ago may not have been read here yet, so a missing one gets
     * {@code grace} to arrive.
     */
    public void requireWritable(Collection<String> tenants, Duration grace) throws InterruptedException {
        long deadline = System.nanoTime() + grace.toNanos();
        while (tenants.stream().anyMatch(t -> placements.get(t).isEmpty()) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        List<String> problems = new ArrayList<>();
        for (String t : tenants) {
            refusal(t).ifPresent(problems::add);
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("refusing to append in " + region + ": " + String.join("; ", problems));
        }
    }

    /** Why this region may not append for the tenant, or empty if it may. */
    private Optional<String> refusal(String tenant) {
        Optional<Placement> p = placements.get(tenant);
        if (p.isEmpty()) {
            return Optional.of("tenant " + tenant + " has no placement (set one first, or write --via http, which places a new tenant in the region it writes to)");
        }
        if (!p.get().getPrimaryRegion().equals(region)) {
            return Optional.of("tenant " + tenant + " has primary region " + p.get().getPrimaryRegion()
                    + " (write there with --region " + p.get().getPrimaryRegion() + ")");
        }
        return Optional.empty();
    }

    @Override
    public int maxInFlight() {
        return MAX_IN_FLIGHT;
    }

    @Override
    public CompletableFuture<SendResult> send(ProduceRecord record) throws InterruptedException {
        String tenant = record.tenant();
        // Checked per record too: input lines name their tenants as they come, and a failover may move
        // a primary away mid-run; the epoch written is the one current now.
        Optional<Placement> placement = placements.get(tenant);
        Optional<String> refused = refusal(tenant);
        if (refused.isPresent()) {
            return done(SendResult.failed(placement.isEmpty() ? "no_placement" : "not_primary", refused.get()));
        }
        WALEntry entry;
        try {
            entry = creates.prepareCreate(tenant, record.body()).entry(placement.get());
        } catch (ApiException e) {
            return done(SendResult.failed("invalid_input", e.getMessage()));
        }
        try {
            appender.ensureLog(tenant);
        } catch (IllegalStateException e) {
            return done(SendResult.failed("wal_topic", e.getMessage()));
        }
        CompletableFuture<PositionToken> appended;
        try {
            appended = appender.append(entry);
        } catch (MissingKeyException e) {
            return done(SendResult.failed("no_wal_key", e.getMessage()));
        }
        return appended.handle((position, error) -> {
            if (error == null) {
                return SendResult.written(false);
            }
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            return SendResult.failed("kafka " + cause.getClass().getSimpleName(), String.valueOf(cause.getMessage()));
        });
    }

    private static CompletableFuture<SendResult> done(SendResult r) {
        return CompletableFuture.completedFuture(r);
    }

    @Override
    public void close() {
        // The appender first: close() flushes what is still buffered, and waits for the acks.
        try {
            appender.close();
        } catch (RuntimeException e) {
            log.warn("closing the WAL appender", e);
        }
        placements.close();
        admin.close(Duration.ofSeconds(5));
        WalCodecs.close(codec);
    }
}
