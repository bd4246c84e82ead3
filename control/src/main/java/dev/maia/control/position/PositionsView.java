package dev.maia.control.position;

import dev.maia.schemas.topology.KafkaSecurity;
import dev.maia.schemas.avro.Position;
import dev.maia.schemas.position.PositionKey;
import dev.maia.schemas.position.Positions;
import dev.maia.control.TopicTail;
import dev.maia.schemas.wal.WalTopics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.HashMap;

/**
 * Every region's applied positions as one region's cluster sees them: its own {@code maia.positions}
 * and the copies MirrorMaker brings ({@code <region>.maia.positions}). The write path waits on it for
 * semi-sync and sync writes: a replica has a write once its published position reaches the write's offset.
 */
public final class PositionsView implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PositionsView.class);

    private final Map<String, Position> applied = new ConcurrentHashMap<>();
    private final TopicTail tail;

    public PositionsView(String bootstrapServers, KafkaSecurity security, String region) {
        // A short fetch wait: sync writes wait on what arrives here.
        this.tail = new TopicTail(bootstrapServers, security, "positions-view-" + region,
                TopicTail.withCopies(WalTopics.POSITIONS), 20, this::accept, this::wakeWaiters);
    }

    public void start() {
        tail.start();
    }

    private void accept(ConsumerRecord<String, byte[]> r) {
        try {
            Position p = Positions.decode(r.value());
            applied.merge(Positions.key(p), p, (a, b) -> b.getOffset() > a.getOffset() ? b : a);
        } catch (Exception e) {
            log.warn("Ignoring an unreadable position at {}-{}@{}", r.topic(), r.partition(), r.offset());
        }
    }

    private synchronized void wakeWaiters() {
        notifyAll();
    }

    /** The highest offset of {@code origin}'s log that {@code region} has published as applied; -1 if none. */
    public long applied(String region, String origin, String tenant, int partition) {
        Position p = applied.get(Positions.key(region, new PositionKey(origin, tenant, partition)));
        return p == null ? -1L : p.getOffset();
    }

    /** Everything {@code region} has published as applied of the tenant's logs, by origin and partition. */
    public Map<PositionKey, Long> appliedBy(String region, String tenant) {
        Map<PositionKey, Long> out = new HashMap<>();
        for (Position p : applied.values()) {
            if (p.getRegion().equals(region) && p.getTenantId().equals(tenant)) {
                out.put(new PositionKey(p.getOriginRegion(), p.getTenantId(), p.getPartition()), p.getOffset());
            }
        }
        return out;
    }

    /**
     * Waits until at least {@code needed} of {@code regions} have applied every given (partition, offset)
     * of {@code origin}'s log of {@code tenant}, or the time is up. Answers the regions that have.
     */
    public synchronized Set<String> await(Set<String> regions, int needed, String origin, String tenant, Map<Integer, Long> offsets,
                                          long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (true) {
            Set<String> have = new LinkedHashSet<>();
            for (String region : regions) {
                if (offsets.entrySet().stream().allMatch(e -> applied(region, origin, tenant, e.getKey()) >= e.getValue())) {
                    have.add(region);
                }
            }
            long left = deadline - System.currentTimeMillis();
            if (have.size() >= needed || left <= 0) {
                return have;
            }
            wait(left);
        }
    }

    @Override
    public void close() {
        tail.close();
    }
}
