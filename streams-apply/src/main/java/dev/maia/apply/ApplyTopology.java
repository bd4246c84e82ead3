package dev.maia.apply;

import dev.maia.apply.position.PositionTracker;
import dev.maia.apply.store.ReplicaStore;
import dev.maia.schemas.wal.WalCodec;
import dev.maia.schemas.wal.WalTopics;
import dev.maia.schemas.avro.Failover;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;

import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/** The apply topology: every local and mirrored WAL topic, one processor, sinks for the DLQ and conflicts. */
public final class ApplyTopology {
    static final String SOURCE = "wal";
    static final String PROCESSOR = "apply";
    static final String DLQ_SINK = "dlq";
    static final String CONFLICTS_SINK = "conflicts";
    /** Local {@code maia.wal.t} and mirrored {@code <region>.maia.wal.t}. */
    public static final Pattern SUBSCRIPTION = Pattern.compile("(.*\\.)?maia\\.wal\\..*");
    /**
     * The apply consumers' {@code metadata.max.age.ms}: how often the {@link #SUBSCRIPTION} pattern looks for
     * new tenant topics, one bound of a new tenant's discovery (the other is MM2's topic refresh).
     */
    public static final int SUBSCRIPTION_METADATA_MAX_AGE_MS = 2000;

    private ApplyTopology() {
    }

    public static Topology build(String region, WalCodec codec, ReplicaStore store, PositionTracker positions,
                                 TenantHolding holding, MeterRegistry registry, ApplyListener listener,
                                 long commitIntervalMs) {
        return build(region, codec, store, positions, holding, registry, listener, commitIntervalMs, tenant -> Optional.empty());
    }

    /** {@code failovers}: each tenant's last failover, by its placement in effect (the old primary's leftovers). */
    public static Topology build(String region, WalCodec codec, ReplicaStore store, PositionTracker positions,
                                 TenantHolding holding, MeterRegistry registry, ApplyListener listener,
                                 long commitIntervalMs, Function<String, Optional<Failover>> failovers) {
        ApplyMetrics metrics = new ApplyMetrics(registry, region);
        Topology topology = new Topology();
        topology.addSource(SOURCE, Serdes.String().deserializer(),
                Serdes.ByteArray().deserializer(), SUBSCRIPTION);
        topology.addProcessor(PROCESSOR, () -> new ApplyProcessor(region, codec, store, positions, holding, metrics, listener,
                commitIntervalMs, failovers), SOURCE);
        topology.addSink(DLQ_SINK, WalTopics.DLQ, Serdes.String().serializer(), Serdes.ByteArray().serializer(), PROCESSOR);
        topology.addSink(CONFLICTS_SINK, WalTopics.CONFLICTS, Serdes.String().serializer(), Serdes.ByteArray().serializer(), PROCESSOR);
        return topology;
    }
}
