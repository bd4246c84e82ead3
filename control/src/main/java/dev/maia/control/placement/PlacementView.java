package dev.maia.control.placement;

import dev.maia.schemas.topology.KafkaSecurity;
import dev.maia.control.TopicTail;
import dev.maia.control.log.Decisions;
import dev.maia.schemas.tenant.ControlRecords;
import org.apache.kafka.common.header.Header;
import dev.maia.schemas.avro.Candidacy;
import dev.maia.schemas.avro.Failover;
import dev.maia.schemas.avro.Placement;
import dev.maia.control.lease.LeaseTable;
import dev.maia.schemas.placement.LeaseRecords;
import dev.maia.schemas.placement.Placements;
import dev.maia.schemas.wal.WalTopics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * Every tenant's placement, as the control log ({@code maia.control}) decides it: the log is read in
 * order from its beginning, and a change takes effect only if it replaces the epoch in effect
 * ({@link Placements#follows}) and, for a failover, only if the old primary renewed no lease since the one
 * the promoter saw lapse. Every reader applies the same records in the same order, so every region,
 * MM2's filter and every tool agree on each tenant's placement, and of two changes made on one epoch
 * exactly one takes effect.
 */
public final class PlacementView implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PlacementView.class);
    private final Map<String, Placement> byTenant = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Candidacy>> candidacies = new ConcurrentHashMap<>();
    private final Decisions decisions = new Decisions();
    private final LeaseTable leases = new LeaseTable(System::nanoTime);
    private final TopicTail tail;

    public PlacementView(String controlBootstrapServers, KafkaSecurity security, String reader) {
        this.tail = new TopicTail(controlBootstrapServers, security, "placement-view-" + reader,
                Pattern.compile(Pattern.quote(WalTopics.CONTROL)), 100, this::accept, () -> { });
    }

    /** Starts tailing and waits until the control log present now has been read to its end. */
    public void start(Duration timeout) throws InterruptedException, TimeoutException {
        tail.start();
        tail.awaitCaughtUp(timeout);
    }

    /** Whether every placement known at start has been read. */
    public boolean loaded() {
        return tail.isCaughtUp();
    }

    /** One record of the control log, in log order (the tail calls it; tests too). */
    void accept(ConsumerRecord<String, byte[]> r) {
        Header kind = r.headers().lastHeader(ControlRecords.KIND_HEADER);
        boolean tookEffect = false;
        try {
            tookEffect = switch (ControlRecords.kind(kind == null ? null : kind.value())) {
                case ControlRecords.KIND_PLACEMENT -> acceptPlacement(r.offset(), Placements.decode(r.value()));
                case ControlRecords.KIND_LEASE -> {
                    leases.renewed(LeaseRecords.decodeLease(r.value()).getRegion(), r.offset());
                    yield true;
                }
                case ControlRecords.KIND_CANDIDACY -> acceptCandidacy(LeaseRecords.decodeCandidacy(r.value()));
                // A tenant or an API key (TenantView's): not a placement, and never decoded as one.
                default -> false;
            };
        } catch (Exception e) {
            log.warn("Ignoring an unreadable control log record at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.toString());
        }
        decisions.record(r.offset(), tookEffect);
    }

    private boolean acceptPlacement(long offset, Placement p) {
        Placement current = byTenant.get(p.getTenantId());
        if (!Placements.follows(p, current)) {
            log.debug("control log @{}: change of {} to epoch {} ignored, epoch {} is in effect",
                    offset, p.getTenantId(), p.getEpoch(), current == null ? 0 : current.getEpoch());
            return false;
        }
        Failover f = p.getFailover();
        if (f != null && f.getEpoch() == p.getEpoch() && f.getLapsedLeaseOffset() != leases.lastOffset(f.getFromRegion())) {
            // The old primary renewed its lease after the promoter last read it: it may still be leading, so
            // this failover never happens, in every reader alike (all read the same records before it).
            log.info("control log @{}: failover of {} from {} ignored: {} renewed its lease at {} after {}", offset,
                    p.getTenantId(), f.getFromRegion(), f.getFromRegion(), leases.lastOffset(f.getFromRegion()),
                    f.getLapsedLeaseOffset());
            return false;
        }
        byTenant.put(p.getTenantId(), p);
        candidacies.remove(p.getTenantId());
        return true;
    }

    /** A candidacy counts only for the epoch in effect: a later change makes every earlier one void. */
    private boolean acceptCandidacy(Candidacy c) {
        Placement current = byTenant.get(c.getTenantId());
        if (current == null || current.getEpoch() != c.getEpoch()) {
            return false;
        }
        candidacies.computeIfAbsent(c.getTenantId(), t -> new ConcurrentHashMap<>()).put(c.getRegion(), c);
        return true;
    }

    /** Every region's lease as read here. */
    public LeaseTable leases() {
        return leases;
    }

    /** The candidacies to replace the tenant's primary at the epoch in effect, by region. */
    public Map<String, Candidacy> candidacies(String tenantId) {
        Map<String, Candidacy> c = candidacies.get(tenantId);
        return c == null ? Map.of() : Map.copyOf(c);
    }

    /**
     * Waits until the record at {@code offset} has been read and answers whether it took effect; empty if
     * it was not read within the timeout (its outcome is then unknown here).
     */
    public Optional<Boolean> awaitDecision(long offset, Duration timeout) throws InterruptedException {
        return decisions.await(offset, timeout);
    }

    public Optional<Placement> get(String tenantId) {
        return Optional.ofNullable(byTenant.get(tenantId));
    }

    /** The placements in effect, live (no copy): for a scan that runs often. */
    public Collection<Placement> values() {
        return Collections.unmodifiableCollection(byTenant.values());
    }

    public Map<String, Placement> all() {
        return Map.copyOf(byTenant);
    }

    @Override
    public void close() {
        tail.close();
    }
}
