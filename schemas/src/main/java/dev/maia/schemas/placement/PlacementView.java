package dev.maia.schemas.placement;

import dev.maia.schemas.avro.Placement;
import dev.maia.schemas.wal.WalTopics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * A region's view of every tenant's placement: it tails the local {@code maia.placement} and the copies
 * MirrorMaker brings from every other region ({@code <region>.maia.placement}), keeping for each tenant
 * the placement that wins by {@link Placements#ORDER}, so every region converges on the same answer.
 */
public final class PlacementView implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PlacementView.class);
    public static final Pattern TOPICS = Pattern.compile("(?:[a-z0-9-]+\\.)?" + Pattern.quote(WalTopics.PLACEMENT));

    private final Map<String, Placement> byTenant = new ConcurrentHashMap<>();
    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread thread;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile boolean started;

    public PlacementView(String bootstrapServers, String region) {
        // A throwaway group: the view always rebuilds from the beginning of the compacted topics.
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "maia-placement-view-" + region + "-" + UUID.randomUUID(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.METADATA_MAX_AGE_CONFIG, 2000,
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100),
                new StringDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::run, "placement-view-" + region);
        this.thread.setDaemon(true);
    }

    /** Starts tailing and waits until every placement topic present now has been read to its end. */
    public void start(Duration timeout) throws InterruptedException, TimeoutException {
        started = true;
        thread.start();
        if (!caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new TimeoutException("placements not loaded within " + timeout);
        }
    }

    private void run() {
        try {
            consumer.subscribe(TOPICS);
            long caughtUpCheckAfter = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            while (running) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    accept(r);
                }
                if (caughtUp.getCount() > 0 && System.nanoTime() > caughtUpCheckAfter && atEnd()) {
                    caughtUp.countDown();
                }
            }
        } catch (WakeupException e) {
            if (running) {
                throw e;
            }
        } catch (RuntimeException e) {
            log.error("Placement view stopped", e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private boolean atEnd() {
        Set<TopicPartition> assigned = consumer.assignment();
        Map<TopicPartition, Long> end = consumer.endOffsets(assigned);
        return assigned.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp));
    }

    private void accept(ConsumerRecord<String, byte[]> r) {
        if (r.value() == null) {
            return;
        }
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
