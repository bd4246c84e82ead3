package dev.maia.control.position;

import dev.maia.schemas.topology.KafkaSecurity;
import dev.maia.schemas.avro.Position;
import dev.maia.schemas.position.PositionKey;
import dev.maia.schemas.position.Positions;
import dev.maia.control.TopicTail;
import dev.maia.schemas.wal.PositionToken;
import dev.maia.schemas.wal.WalTopics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.HashMap;

/**
 * Every region's applied positions as one region's cluster sees them: its own {@code maia.positions}
 * and the copies MirrorMaker brings ({@code <region>.maia.positions}). The write path waits on it for
 * semi-sync and sync writes: a replica has a write once its published position reaches the write's offset
 * and does not list that offset as dead-lettered ({@link #holds}).
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

    void accept(ConsumerRecord<String, byte[]> r) {
        Position p;
        try {
            p = Positions.decode(r.value());
        } catch (Exception e) {
            log.warn("Ignoring an unreadable position at {}-{}@{}", r.topic(), r.partition(), r.offset());
            return;
        }
        applied.merge(Positions.key(p), p, PositionsView::merge);
    }

    /**
     * The higher position, with the dead-lettered offsets of both: a region that restarted publishes its
     * position again without the ones it saw before, and those must still not count as held.
     */
    private static Position merge(Position a, Position b) {
        Position higher = b.getOffset() > a.getOffset() ? b : a;
        TreeSet<Long> dead = new TreeSet<>(a.getDeadLettered());
        dead.addAll(b.getDeadLettered());
        while (dead.size() > Positions.DEAD_LETTERED_KEPT) {
            dead.pollFirst();
        }
        if (dead.size() == higher.getDeadLettered().size()) {
            return higher;
        }
        return Position.newBuilder(higher).setDeadLettered(new ArrayList<>(dead)).build();
    }

    /**
     * Whether a published position says its region holds the entry at {@code offset}: applied up to it, and
     * not dead-lettered there. A later applied entry moves the position past a dead-lettered one (the
     * pipeline goes on), so the offset alone would count a refused entry as held.
     */
    public static boolean holds(Position p, long offset) {
        return p != null && p.getOffset() >= offset && !p.getDeadLettered().contains(offset);
    }

    private synchronized void wakeWaiters() {
        notifyAll();
    }

    /** The highest offset of {@code origin}'s log that {@code region} has published as applied; -1 if none. */
    public long applied(String region, String origin, String tenant, int partition) {
        Position p = applied.get(Positions.key(region, new PositionKey(origin, tenant, partition)));
        return p == null ? -1L : p.getOffset();
    }

    /**
     * Whether {@code region} has published the entry at {@code offset} of {@code origin}'s log as
     * dead-lettered: never to be applied there, so nothing should wait for it (a migration's drain).
     */
    public boolean deadLettered(String region, String origin, String tenant, int partition, long offset) {
        Position p = applied.get(Positions.key(region, new PositionKey(origin, tenant, partition)));
        return p != null && p.getDeadLettered().contains(offset);
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
     * Waits until at least {@code needed} of {@code regions} hold every written entry ({@link #holds}) of
     * {@code origin}'s log of {@code tenant}, or the time is up. Answers the regions that do.
     */
    public synchronized Set<String> await(Set<String> regions, int needed, String origin, String tenant,
                                          Collection<PositionToken> written, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        List<PositionToken> entries = List.copyOf(written);
        while (true) {
            Set<String> have = new LinkedHashSet<>();
            for (String region : regions) {
                if (entries.stream().allMatch(w -> holds(applied.get(Positions.key(region,
                        new PositionKey(origin, tenant, w.partition()))), w.offset()))) {
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
