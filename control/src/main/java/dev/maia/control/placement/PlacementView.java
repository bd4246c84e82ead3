package dev.maia.control.placement;

import dev.maia.control.TopicTail;
import dev.maia.schemas.avro.Placement;
import dev.maia.schemas.placement.Placements;
import dev.maia.schemas.wal.WalTopics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
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
    /** How many recent decisions are kept for writers waiting to learn theirs: far more than can be in flight. */
    private static final int DECISIONS_KEPT = 10_000;

    private final Map<String, Placement> byTenant = new ConcurrentHashMap<>();
    private final Object progress = new Object();
    /** Offset of a record read -> whether it took effect; guarded by {@link #progress}. */
    private final Map<Long, Boolean> decisions = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
            return size() > DECISIONS_KEPT;
        }
    };
    private long nextOffset;
    private final TopicTail tail;

    public PlacementView(String controlBootstrapServers, String reader) {
        this.tail = new TopicTail(controlBootstrapServers, "placement-view-" + reader,
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
        synchronized (progress) {
            decisions.put(r.offset(), tookEffect);
            nextOffset = r.offset() + 1;
            progress.notifyAll();
        }
    }

    /**
     * Waits until the record at {@code offset} has been read and answers whether it took effect; empty if
     * it was not read within the timeout (its outcome is then unknown here).
     */
    public Optional<Boolean> awaitDecision(long offset, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (progress) {
            while (nextOffset <= offset) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return Optional.empty();
                }
                progress.wait(Math.max(1, left / 1_000_000));
            }
            return Optional.of(Boolean.TRUE.equals(decisions.get(offset)));
        }
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
