package dev.maia.schemas.position;

import dev.maia.schemas.avro.Position;
import dev.maia.schemas.wal.WalTopics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Every region's applied positions as one region's cluster sees them: its own {@code maia.positions}
 * and the copies MirrorMaker brings ({@code <region>.maia.positions}). The write path waits on it for
 * semi-sync and sync writes: a replica has a write once its published position reaches the write's offset.
 */
public final class PositionsView implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PositionsView.class);
    public static final Pattern TOPICS = Pattern.compile("(?:[a-z0-9-]+\\.)?" + Pattern.quote(WalTopics.POSITIONS));

    private final Map<String, Long> applied = new ConcurrentHashMap<>();
    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean started;

    public PositionsView(String bootstrapServers, String region) {
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "maia-positions-view-" + region + "-" + UUID.randomUUID(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.METADATA_MAX_AGE_CONFIG, 2000,
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 20),
                new StringDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::run, "positions-view-" + region);
        this.thread.setDaemon(true);
    }

    public void start() {
        started = true;
        thread.start();
    }

    private void run() {
        try {
            consumer.subscribe(TOPICS);
            while (running) {
                boolean changed = false;
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    if (r.value() == null) {
                        continue;
                    }
                    try {
                        Position p = Positions.decode(r.value());
                        applied.merge(key(p.getRegion(), p.getOriginRegion(), p.getTenantId(), p.getPartition()), p.getOffset(), Math::max);
                        changed = true;
                    } catch (Exception e) {
                        log.warn("Ignoring an unreadable position at {}-{}@{}", r.topic(), r.partition(), r.offset());
                    }
                }
                if (changed) {
                    synchronized (this) {
                        notifyAll();
                    }
                }
            }
        } catch (WakeupException e) {
            if (running) {
                throw e;
            }
        } catch (RuntimeException e) {
            log.error("Positions view stopped", e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** The highest offset of {@code origin}'s log that {@code region} has published as applied; -1 if none. */
    public long applied(String region, String origin, String tenant, int partition) {
        return applied.getOrDefault(key(region, origin, tenant, partition), -1L);
    }

    /**
     * Waits until at least {@code needed} of {@code regions} have applied every given (partition, offset)
     * of {@code origin}'s log of {@code tenant}, or the time is up. Answers the regions that have.
     */
    public Set<String> await(Set<String> regions, int needed, String origin, String tenant, Map<Integer, Long> offsets,
                             long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        synchronized (this) {
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
    }

    private static String key(String region, String origin, String tenant, int partition) {
        return region + "/" + origin + "/" + tenant + "/" + partition;
    }

    @Override
    public void close() {
        if (!started) {
            consumer.close(Duration.ZERO);
            return;
        }
        running = false;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
