package dev.maia.apply;

import dev.maia.apply.conflict.ConflictFeed;
import dev.maia.apply.conflict.ConflictPair;
import dev.maia.apply.conflict.Leftovers;
import dev.maia.apply.conflict.Version;
import dev.maia.apply.conflict.ResourceApplier;
import dev.maia.apply.store.EntryTooLargeException;
import dev.maia.apply.store.TenantQuotaExceededException;
import dev.maia.apply.position.PositionTracker;
import dev.maia.apply.store.ReplicaStore;
import dev.maia.schemas.avro.Failover;
import dev.maia.schemas.avro.WALEntry;
import dev.maia.schemas.wal.CorruptEntryException;
import dev.maia.schemas.wal.HybridLogicalClock;
import dev.maia.schemas.wal.WalCodec;
import dev.maia.schemas.wal.WalHeaders;
import dev.maia.schemas.wal.WalTopics;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * The apply step for one WAL record: refuse a forged origin offset ({@link OriginOffsets}), skip what this
 * region already applied (by origin offset), verify the checksum and that the entry belongs to its log
 * (tenant and origin region), apply by lineage and the tenant's conflict strategy ({@link ResourceApplier}),
 * store, and advance the position. Refused and corrupt entries go to the DLQ and never move a position
 * ({@link PositionTracker#deadLettered}); conflicts (two writes of which neither had seen the other) go to
 * the conflict feed; neither stops the stream. After a failover, every entry the old primary had not shipped
 * ({@link Leftovers}) goes to the conflict feed too, however it resolved, and is counted.
 *
 * <p>Offsets are committed on this processor's request, not on Streams' own timer: every
 * {@code commitIntervalMs} a punctuator flushes the applied positions to the store and then asks for a
 * commit, which Streams performs in the same loop, after the punctuation and before it processes more
 * records. So the store's positions are not behind a committed offset ({@link PositionTracker}), except
 * around a rebalance: Streams commits a closing task before it calls {@link #close} (which flushes), and
 * defers a requested commit while a rebalance is in progress (docs/architecture.md, §4).
 */
final class ApplyProcessor implements Processor<String, byte[], String, byte[]> {
    private static final Logger log = LoggerFactory.getLogger(ApplyProcessor.class);

    private final String region;
    private final WalCodec codec;
    private final PositionTracker positions;
    private final TenantHolding holding;
    private final ResourceApplier applier;
    private final ApplyMetrics metrics;
    private final ApplyListener listener;
    private final long commitIntervalMs;
    /** The tenant's last failover, as its placement in effect carries it. */
    private final Function<String, Optional<Failover>> failovers;
    /** Per topic: its tenant and origin (or not one of ours); a task reads a handful of topics. */
    private final Map<String, Optional<WalTopics.WalTopic>> topics = new HashMap<>();
    private ProcessorContext<String, byte[]> context;

    ApplyProcessor(String region, WalCodec codec, ReplicaStore store, PositionTracker positions, TenantHolding holding,
                   ApplyMetrics metrics, ApplyListener listener, long commitIntervalMs,
                   Function<String, Optional<Failover>> failovers) {
        this.region = region;
        this.failovers = failovers;
        this.commitIntervalMs = commitIntervalMs;
        this.codec = codec;
        this.positions = positions;
        this.holding = holding;
        this.applier = new ResourceApplier(store, codec);
        this.metrics = metrics;
        this.listener = listener;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        context.schedule(Duration.ofMillis(commitIntervalMs), PunctuationType.WALL_CLOCK_TIME, now -> {
            positions.flush();
            context.commit();
        });
    }

    @Override
    public void close() {
        positions.flush();
    }

    @Override
    public void process(Record<String, byte[]> record) {
        RecordMetadata meta = context.recordMetadata().orElseThrow();
        Optional<WalTopics.WalTopic> walTopic = topics.computeIfAbsent(meta.topic(), t -> WalTopics.parse(t, region));
        if (walTopic.isEmpty()) {
            return; // the subscription pattern is wider than the topic grammar: not one of ours
        }
        String origin = walTopic.get().originRegion();
        String tenant = walTopic.get().tenantId();
        int partition = meta.partition();
        // The local log is the unprefixed one (a region's own name never prefixes a topic of its cluster).
        boolean mirrored = !meta.topic().startsWith(WalTopics.WAL_PREFIX);
        OriginOffsets.Claim claim = OriginOffsets.of(record.headers(), meta.offset(), mirrored);
        if (claim.refused()) {
            deadLetter(record, meta, tenant, origin, claim.refusal(), claim.detail());
            if (claim.offset() >= 0) {
                positions.deadLettered(origin, tenant, partition, claim.offset());
            }
            return;
        }
        long originOffset = claim.offset();
        if (originOffset <= positions.appliedOffset(origin, tenant, partition)) {
            metrics.duplicate(tenant, origin);
            return;
        }
        if (!holding.holds(tenant)) {
            // Still in flight after a placement took the tenant away from this region: never store it.
            metrics.notHeld(tenant, origin);
            return;
        }
        // Bracketed, so that a digest never hashes an entry whose position has not moved yet.
        try (PositionTracker.Applying ignored = positions.applying(tenant)) {
            OptionalLong hlc = decodeAndApply(record, meta, tenant, origin, originOffset);
            if (hlc.isPresent()) {
                positions.applied(origin, tenant, partition, originOffset, hlc.getAsLong(), record.timestamp());
            } else {
                // Not applied: the position stays, later entries still apply and move it past this offset.
                positions.deadLettered(origin, tenant, partition, originOffset);
            }
        }
    }

    /** Applies a verified entry and answers its clock, or dead-letters it and answers nothing. */
    private OptionalLong decodeAndApply(Record<String, byte[]> record, RecordMetadata meta, String tenant, String origin,
                                        long originOffset) {
        try {
            WALEntry entry = codec.decode(record.value());
            if (!entry.getTenantId().equals(tenant)) {
                deadLetter(record, meta, tenant, origin, "tenant_mismatch",
                        "entry of tenant " + entry.getTenantId() + " on the log of " + tenant);
                return OptionalLong.empty();
            }
            if (!entry.getOriginRegion().equals(origin)) {
                // A region's log holds only that region's writes: anything else was put there by hand.
                deadLetter(record, meta, tenant, origin, "origin_mismatch",
                        "entry of origin " + entry.getOriginRegion() + " on the log of " + origin);
                return OptionalLong.empty();
            }
            applyVerified(entry, record.value(), tenant, origin, meta.partition(), originOffset);
            return OptionalLong.of(entry.getHlc());
        } catch (CorruptEntryException e) {
            deadLetter(record, meta, tenant, origin, e.reason(), e.getMessage());
        } catch (EntryTooLargeException e) {
            deadLetter(record, meta, tenant, origin, "entry_too_large", e.getMessage());
        } catch (TenantQuotaExceededException e) {
            deadLetter(record, meta, tenant, origin, "quota_exceeded", e.getMessage());
        }
        return OptionalLong.empty();
    }

    private void applyVerified(WALEntry entry, byte[] encoded, String tenant, String origin, int partition, long originOffset) {
        Optional<Failover> failover = failovers.apply(tenant);
        boolean leftover = failover.isPresent() && Leftovers.isLeftover(failover.get(), entry, partition, originOffset);
        ResourceApplier.Outcome outcome = applier.apply(entry, encoded);
        Version in = new Version(entry, encoded);
        switch (outcome.result()) {
            case APPLIED -> {
                metrics.applied(tenant, origin);
                listener.applied(region, entry);
            }
            case RESOLVED -> {
                metrics.applied(tenant, origin);
                outcome.conflicts().forEach(pair -> reportConflict(pair,
                        leftover ? Optional.of(in) : failover.flatMap(f -> Leftovers.of(f, pair))));
                listener.applied(region, entry);
            }
            case SUPERSEDED -> metrics.superseded(tenant, origin);
            // Reported when it first applied; the store held it before the position moved (a crash in between).
            case ALREADY_APPLIED -> metrics.duplicate(tenant, origin);
        }
        if (leftover && outcome.result() != ResourceApplier.Result.ALREADY_APPLIED) {
            reportLeftover(in, outcome, failover.get(), partition, originOffset);
        }
    }

    /**
     * An old primary's leftover: counted and logged, and, unless the pairs it was concurrent with reported it
     * already, one feed record with what it replaced (nothing, when it created the resource) or lost to.
     */
    private void reportLeftover(Version leftover, ResourceApplier.Outcome outcome, Failover failover, int partition,
                                long originOffset) {
        WALEntry e = leftover.entry();
        metrics.leftover(e.getTenantId(), e.getOriginRegion());
        log.info("Failover leftover on {}/{}/{}: {} of {} (partition {}, offset {}, epoch {}) arrived after the failover to "
                        + "epoch {}; {}", e.getTenantId(), e.getResourceType(), e.getResourceId(), e.getId(), e.getOriginRegion(),
                partition, originOffset, e.getPlacementEpoch(), failover.getEpoch(), switch (outcome.result()) {
                    case APPLIED -> outcome.replaced() == null ? "applied, it created the resource"
                            : "applied over " + outcome.replaced().id();
                    case RESOLVED -> "resolved by " + e.getConflictStrategy() + " with " + outcome.conflicts().size()
                            + " concurrent version(s)";
                    case SUPERSEDED -> "superseded by " + outcome.stored().id();
                    case ALREADY_APPLIED -> "already held";
                });
        ConflictPair pair = switch (outcome.result()) {
            case APPLIED -> outcome.replaced() == null ? ConflictPair.alone(leftover, e.getConflictStrategy())
                    : ConflictPair.of(leftover, outcome.replaced(), e.getConflictStrategy());
            case SUPERSEDED -> ConflictPair.of(leftover, outcome.stored(), e.getConflictStrategy());
            case RESOLVED, ALREADY_APPLIED -> null;
        };
        if (pair != null) {
            forwardToFeed(pair, ConflictFeed.leftover(pair, leftover));
        }
    }

    private void reportConflict(ConflictPair pair, Optional<Version> leftover) {
        WALEntry winner = pair.winner().entry();
        log.info("Conflict on {}/{}/{}: {} and {} were written without seeing each other; resolved by {}, {} ordered last{}",
                winner.getTenantId(), winner.getResourceType(), winner.getResourceId(), pair.loser().id(), pair.winner().id(),
                pair.strategy(), pair.winner().id(), leftover.map(v -> "; " + v.id() + " is a failover leftover").orElse(""));
        metrics.conflict(winner.getTenantId(), pair.strategy().name());
        forwardToFeed(pair, leftover.map(v -> ConflictFeed.leftover(pair, v)).orElseGet(() -> ConflictFeed.value(pair)));
    }

    private void forwardToFeed(ConflictPair pair, byte[] value) {
        // Timestamped by the winner's clock, not this region's: the record is the same in every region.
        context.forward(new Record<>(ConflictFeed.key(pair), value, HybridLogicalClock.millis(pair.winner().entry().getHlc())),
                ApplyTopology.CONFLICTS_SINK);
    }

    private void deadLetter(Record<String, byte[]> record, RecordMetadata meta, String tenant, String origin,
                            String reason, String detail) {
        log.warn("Dead-lettered {}-{}@{}: {} ({})", meta.topic(), meta.partition(), meta.offset(), reason, detail);
        metrics.error(tenant, origin, reason);
        RecordHeaders headers = new RecordHeaders();
        record.headers().forEach(headers::add);
        headers.add("maia.dlq.reason", reason.getBytes(StandardCharsets.UTF_8));
        headers.add("maia.dlq.detail", String.valueOf(detail).getBytes(StandardCharsets.UTF_8));
        headers.add("maia.dlq.topic", meta.topic().getBytes(StandardCharsets.UTF_8));
        headers.add("maia.dlq.partition", WalHeaders.encodeLong(meta.partition()));
        headers.add("maia.dlq.offset", WalHeaders.encodeLong(meta.offset()));
        headers.add("maia.region", region.getBytes(StandardCharsets.UTF_8));
        context.forward(new Record<>(record.key(), record.value(), record.timestamp(), headers), ApplyTopology.DLQ_SINK);
    }
}
