package dev.maia.apply;

import dev.maia.apply.conflict.ConflictFeed;
import dev.maia.apply.conflict.ConflictPair;
import dev.maia.apply.conflict.ResourceApplier;
import dev.maia.apply.store.EntryTooLargeException;
import dev.maia.apply.store.TenantQuotaExceededException;
import dev.maia.apply.position.PositionTracker;
import dev.maia.apply.store.ReplicaStore;
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

/**
 * The apply step for one WAL record: refuse a forged origin offset ({@link OriginOffsets}), skip what this
 * region already applied (by origin offset), verify the checksum and that the entry belongs to its log
 * (tenant and origin region), apply by lineage and the tenant's conflict strategy ({@link ResourceApplier}),
 * store, and advance the position. Refused and corrupt entries go to the DLQ and never move a position
 * ({@link PositionTracker#deadLettered}); conflicts (two writes of which neither had seen the other) go to
 * the conflict feed; neither stops the stream.
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
    /** Per topic: its tenant and origin (or not one of ours); a task reads a handful of topics. */
    private final Map<String, Optional<WalTopics.WalTopic>> topics = new HashMap<>();
    private ProcessorContext<String, byte[]> context;

    ApplyProcessor(String region, WalCodec codec, ReplicaStore store, PositionTracker positions, TenantHolding holding,
                   ApplyMetrics metrics, ApplyListener listener, long commitIntervalMs) {
        this.region = region;
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
            OptionalLong hlc = decodeAndApply(record, meta, tenant, origin);
            if (hlc.isPresent()) {
                positions.applied(origin, tenant, partition, originOffset, hlc.getAsLong(), record.timestamp());
            } else {
                // Not applied: the position stays, later entries still apply and move it past this offset.
                positions.deadLettered(origin, tenant, partition, originOffset);
            }
        }
    }

    /** Applies a verified entry and answers its clock, or dead-letters it and answers nothing. */
    private OptionalLong decodeAndApply(Record<String, byte[]> record, RecordMetadata meta, String tenant, String origin) {
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
            applyVerified(entry, record.value(), tenant, origin);
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

    private void applyVerified(WALEntry entry, byte[] encoded, String tenant, String origin) {
        ResourceApplier.Outcome outcome = applier.apply(entry, encoded);
        switch (outcome.result()) {
            case APPLIED -> {
                metrics.applied(tenant, origin);
                listener.applied(region, entry);
            }
            case RESOLVED -> {
                metrics.applied(tenant, origin);
                outcome.conflicts().forEach(this::reportConflict);
                listener.applied(region, entry);
            }
            case SUPERSEDED -> metrics.superseded(tenant, origin);
            case ALREADY_APPLIED -> metrics.duplicate(tenant, origin);
        }
    }

    private void reportConflict(ConflictPair pair) {
        WALEntry winner = pair.winner().entry();
        log.info("Conflict on {}/{}/{}: {} and {} were written without seeing each other; resolved by {}, {} ordered last",
                winner.getTenantId(), winner.getResourceType(), winner.getResourceId(), pair.loser().id(), pair.winner().id(),
                pair.strategy(), pair.winner().id());
        metrics.conflict(winner.getTenantId(), pair.strategy().name());
        // Timestamped by the winner's clock, not this region's: the record is the same in every region.
        context.forward(new Record<>(ConflictFeed.key(pair), ConflictFeed.value(pair), HybridLogicalClock.millis(winner.getHlc())),
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
