package dev.maia.control.placement;

import dev.maia.schemas.topology.KafkaSecurity;
import dev.maia.control.TopicTail;
import dev.maia.control.log.Decisions;
import dev.maia.schemas.tenant.ControlRecords;
import org.apache.kafka.common.header.Header;
import dev.maia.schemas.avro.Placement;
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
 * ({@link Placements#follows}). Every reader applies the same records in the same order, so every region,
 * MM2's filter and every tool agree on each tenant's placement, and of two changes made on one epoch
 * exactly one takes effect.
 */
public final class PlacementView implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PlacementView.class);
    private final Map<String, Placement> byTenant = new ConcurrentHashMap<>();
    private final Decisions decisions = new Decisions();
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

    private void accept(ConsumerRecord<String, byte[]> r) {
        boolean tookEffect = false;
        Header kind = r.headers().lastHeader(ControlRecords.KIND_HEADER);
        if (!ControlRecords.KIND_PLACEMENT.equals(ControlRecords.kind(kind == null ? null : kind.value()))) {
            // A tenant or an API key (TenantView's): not a placement, and never decoded as one.
            decisions.record(r.offset(), false);
            return;
        }
        try {
            Placement p = Placements.decode(r.value());
            Placement current = byTenant.get(p.getTenantId());
            if (Placements.follows(p, current)) {
                byTenant.put(p.getTenantId(), p);
                tookEffect = true;
            } else {
                log.debug("control log @{}: change of {} to epoch {} ignored, epoch {} is in effect",
                        r.offset(), p.getTenantId(), p.getEpoch(), current == null ? 0 : current.getEpoch());
            }
        } catch (Exception e) {
            log.warn("Ignoring an unreadable control log record at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.toString());
        }
        decisions.record(r.offset(), tookEffect);
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
