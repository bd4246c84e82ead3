package dev.maia.control.placement;

import dev.maia.schemas.avro.Placement;
import dev.maia.schemas.placement.Placements;
import dev.maia.control.CompactedTopicTail;
import dev.maia.schemas.wal.WalTopics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * A region's view of every tenant's placement: it tails the local {@code maia.placement} and the copies
 * MirrorMaker brings from every other region ({@code <region>.maia.placement}), keeping for each tenant
 * the placement that wins by {@link Placements#ORDER}, so every region converges on the same answer.
 */
public final class PlacementView implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PlacementView.class);
    public static final Pattern TOPICS = CompactedTopicTail.withCopies(WalTopics.PLACEMENT);

    private final Map<String, Placement> byTenant = new ConcurrentHashMap<>();
    private final CompactedTopicTail tail;

    public PlacementView(String bootstrapServers, String region) {
        this.tail = new CompactedTopicTail(bootstrapServers, "placement-view-" + region, TOPICS, 100, this::accept, () -> { });
    }

    /** Starts tailing and waits until every placement topic present now has been read to its end. */
    public void start(Duration timeout) throws InterruptedException, TimeoutException {
        tail.start();
        tail.awaitCaughtUp(timeout);
    }

    /** Whether every placement known at start has been read. */
    public boolean loaded() {
        return tail.isCaughtUp();
    }

    private void accept(ConsumerRecord<String, byte[]> r) {
        try {
            offer(Placements.decode(r.value()));
        } catch (Exception e) {
            log.warn("Ignoring an unreadable placement at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.toString());
        }
    }

    /** Folds in a placement (from the topics, or one this region just wrote). */
    public void offer(Placement p) {
        byTenant.merge(p.getTenantId(), p, (current, candidate) -> Placements.supersedes(candidate, current) ? candidate : current);
    }

    public Optional<Placement> get(String tenantId) {
        return Optional.ofNullable(byTenant.get(tenantId));
    }

    public Map<String, Placement> all() {
        return Map.copyOf(byTenant);
    }

    @Override
    public void close() {
        tail.close();
    }
}
