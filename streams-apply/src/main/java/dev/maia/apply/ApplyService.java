package dev.maia.apply;

import dev.maia.apply.lag.LagMonitor;
import dev.maia.apply.lag.LagProbe;
import dev.maia.apply.lag.TenantLag;
import dev.maia.apply.locality.DataLocalityEnforcer;
import dev.maia.apply.position.PositionTracker;
import dev.maia.apply.read.AppliedState;
import dev.maia.apply.read.DigestRoutes;
import dev.maia.apply.read.ReadRoutes;
import dev.maia.apply.retention.HolderPositions;
import dev.maia.apply.retention.WalTruncator;
import dev.maia.apply.store.ChronicleReplicaStore;
import dev.maia.apply.store.ReplicaStore;
import dev.maia.apply.usage.UsageReporter;
import dev.maia.schemas.avro.Placement;
import dev.maia.schemas.avro.TenantUsage;
import dev.maia.control.placement.PlacementView;
import dev.maia.schemas.http.Routes;
import dev.maia.schemas.position.PositionKey;
import dev.maia.schemas.read.CurrentState;
import dev.maia.schemas.topology.RegionSpec;
import dev.maia.schemas.topology.Topology;
import dev.maia.schemas.wal.WalCodec;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.function.Predicate;

/**
 * The apply path of one region, the one class a process needs (as {@code KafkaStreams} is for Streams):
 * it opens the replica store, applies every WAL entry this region holds, publishes what it applied,
 * purges tenants placed elsewhere, measures lag and serves reads. The parts behind it are internal.
 *
 * <p>Two steps, because the write path and the apply path need each other: {@link #open} makes the
 * applied state readable (the write path builds its changes on it), {@link #start} begins applying
 * (and tells the listener, through which the write path follows the clocks it applies).
 */
public final class ApplyService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ApplyService.class);
    /** How often the locality purge and the lag gauges look again. */
    private static final long BACKGROUND_INTERVAL_MS = 2000;
    /** How long a mirrored copy must be quiet before the locality purge deletes it. */
    private static final long PURGE_QUIET_MS = 10_000;
    /** How often this region reports what it holds of each tenant ({@code maia.usage}). */
    private static final long USAGE_INTERVAL_MS = 3000;

    private final ApplyConfig config;
    private final WalCodec codec;
    private final MeterRegistry registry;
    private final ReplicaStore store;
    private final PositionTracker positions;
    private final AppliedState state;
    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private ApplyStreams streams;
    private LagMonitor lag;
    private ReadRoutes reads;

    private ApplyService(ApplyConfig config, WalCodec codec, MeterRegistry registry) {
        this.config = config;
        this.codec = codec;
        this.registry = registry;
        this.store = ChronicleReplicaStore.open(config.store(), codec);
        this.positions = new PositionTracker(store);
        this.state = new AppliedState(store, positions);
        Gauge.builder("maia.store.used.ratio", store, ReplicaStore::usedRatio).tag("region", config.region())
                .description("fill of the replica store, 0..1: it stops applying when full").register(registry);
    }

    /** Opens (or creates) the region's store; nothing is applied until {@link #start}. */
    public static ApplyService open(ApplyConfig config, WalCodec codec, MeterRegistry registry) {
        return new ApplyService(config, codec, registry);
    }

    /**
     * Starts applying and the background work, and waits until Streams runs. Placements decide which
     * tenants this region holds; the topology names every region's Kafka (for lag) and endpoint (for
     * reads sent to the primary); every region's published positions bound what the WAL truncator removes.
     * A {@code deleted} tenant is held nowhere (its data is purged here, its own log too); what this region
     * holds of each tenant goes to {@code usage} every few seconds.
     */
    public void start(PlacementView placements, Predicate<String> deleted, Consumer<TenantUsage> usage,
                      HolderPositions published, Topology topology, ApplyListener listener, Duration timeout)
            throws InterruptedException, TimeoutException {
        String region = config.region();
        UsageReporter usageReporter = new UsageReporter(region, config.bootstrapServers(), config.kafkaSecurity(), store, placements::all,
                deleted, usage, USAGE_INTERVAL_MS);
        started.push(usageReporter);
        streams = new ApplyStreams(config, codec, store, positions,
                TenantHolding.byPlacement(region, placements::get).unlessDeleted(deleted), registry, (r, entry) -> {
                    usageReporter.applied(entry.getTenantId());
                    listener.applied(r, entry);
                }, tenant -> placements.get(tenant).map(Placement::getFailover));
        started.push(streams);
        streams.start(timeout);
        started.push(new DataLocalityEnforcer(region, config.bootstrapServers(), config.kafkaSecurity(), placements::all, deleted, store, positions,
                BACKGROUND_INTERVAL_MS, PURGE_QUIET_MS));
        // A deleted tenant's logs are on their way out: no lag to measure. The counters alerts use exist from
        // the moment a tenant is held (ApplyMetrics.held), told by the same rounds.
        lag = new LagMonitor(region, topology, new LagProbe(topology, config.kafkaSecurity()), () -> placements.values().stream()
                .filter(p -> !deleted.test(p.getTenantId())).collect(Collectors.toMap(Placement::getTenantId, p -> p)),
                positions::passedOffsets, new ApplyMetrics(registry, region)::held, registry, BACKGROUND_INTERVAL_MS,
                config.alertLagMaxSeconds());
        started.push(lag);
        started.push(new WalTruncator(region, config.bootstrapServers(), config.kafkaSecurity(), config.applicationId(), placements::get, published,
                config.walTruncateIntervalMs(), config.walCompactionMarginMs(), registry));
        ReadRoutes.PrimaryLocator primaries = tenant -> config.redirectReadsOnTimeout()
                ? placements.get(tenant).flatMap(p -> topology.region(p.getPrimaryRegion())).map(RegionSpec::endpoint)
                : Optional.empty();
        reads = new ReadRoutes(region, store, positions, config.readWaitMs(), primaries);
        log.info("Apply path of region {} started", region);
    }

    /** The read API (get, list, read-your-writes) and the state digest for verify; only after {@link #start}. */
    public void mount(Routes routes) {
        if (reads == null) {
            throw new IllegalStateException("the apply service of " + config.region() + " is not started");
        }
        reads.mount(routes);
        new DigestRoutes(config.region(), store, positions).mount(routes);
    }

    /** The state the write path reads: current entries, and waiting for an applied position. */
    public CurrentState currentState() {
        return state;
    }

    /** The highest origin offset applied, per origin, tenant and partition, as the store keeps it. */
    public Map<PositionKey, Long> appliedOffsets() {
        return store.appliedOffsets();
    }

    public long appliedOffset(String origin, String tenant, int partition) {
        return positions.appliedOffset(origin, tenant, partition);
    }

    /** The lag of every tenant this region holds, as last measured. */
    public List<TenantLag> lag() {
        return lag == null ? List.of() : lag.latest();
    }

    public KafkaStreams.State streamsState() {
        return streams == null ? KafkaStreams.State.CREATED : streams.state();
    }

    /** Why applying stopped, if it did. */
    public Optional<Throwable> failure() {
        return streams == null ? Optional.empty() : streams.failure();
    }

    @Override
    public void close() {
        while (!started.isEmpty()) {
            try {
                started.pop().close();
            } catch (Exception e) {
                log.warn("Error while stopping the apply path of {}", config.region(), e);
            }
        }
        store.close();
    }
}
