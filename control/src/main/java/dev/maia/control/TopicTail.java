package dev.maia.control;

import dev.maia.schemas.topology.KafkaSecurity;
import dev.maia.schemas.topology.RegionSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Follows topics of this project from the beginning, on its own thread, handing each record to the view
 * that owns it: a compacted topic and every region's mirrored copy of it in one cluster
 * ({@code maia.positions} and {@code <region>.maia.positions}), or the control log. The throwaway group
 * never commits: a view is always rebuilt from the topics.
 */
public final class TopicTail implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TopicTail.class);

    private final KafkaConsumer<String, byte[]> consumer;
    private final Pattern topics;
    private final Consumer<ConsumerRecord<String, byte[]>> onRecord;
    private final Runnable afterBatch;
    private final Thread thread;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile boolean started;

    /** The topic and its mirrored copies: {@code name} or {@code <region>.name}. */
    public static Pattern withCopies(String name) {
        return Pattern.compile("(?:" + RegionSpec.ALIAS + "\\.)?" + Pattern.quote(name));
    }

    public TopicTail(String bootstrapServers, KafkaSecurity security, String name, Pattern topics, long fetchWaitMs,
                              Consumer<ConsumerRecord<String, byte[]>> onRecord, Runnable afterBatch) {
        this.topics = topics;
        this.onRecord = onRecord;
        this.afterBatch = afterBatch;
        this.consumer = new KafkaConsumer<>(config(bootstrapServers, security, name, fetchWaitMs),
                new StringDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
    }

    /** The consumer's settings: the reader's identity ({@code security}) and a throwaway group that never commits. */
    static Map<String, Object> config(String bootstrapServers, KafkaSecurity security, String name, long fetchWaitMs) {
        Map<String, Object> c = security.clientConfig(bootstrapServers);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "maia-" + name + "-" + UUID.randomUUID());
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        // A new region's copy must be followed within seconds, not the default 5 minutes.
        c.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, 2000);
        c.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, (int) fetchWaitMs);
        return c;
    }

    public void start() {
        started = true;
        thread.start();
    }

    /** Waits until every matching topic present now has been read to its end. */
    public void awaitCaughtUp(Duration timeout) throws InterruptedException, TimeoutException {
        if (!caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new TimeoutException(thread.getName() + " did not read " + topics + " within " + timeout);
        }
    }

    public boolean isCaughtUp() {
        return caughtUp.getCount() == 0;
    }

    private void run() {
        try {
            consumer.subscribe(topics);
            long checkAfter = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            while (running) {
                var records = consumer.poll(Duration.ofMillis(100));
                for (ConsumerRecord<String, byte[]> r : records) {
                    if (r.value() != null) {
                        onRecord.accept(r);
                    }
                }
                if (!records.isEmpty()) {
                    afterBatch.run();
                }
                if (caughtUp.getCount() > 0 && System.nanoTime() > checkAfter && atEnd()) {
                    caughtUp.countDown();
                }
            }
        } catch (WakeupException e) {
            if (running) {
                throw e;
            }
        } catch (RuntimeException e) {
            log.error("{} stopped", thread.getName(), e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /**
     * Every partition of the matching topics that exist is assigned and read to its end. Not "every assigned
     * partition": until the group has assigned anything that holds for an empty assignment, and a reader
     * on a busy machine (maia verify against the compose stack) took the control log for empty.
     */
    private boolean atEnd() {
        Set<TopicPartition> assigned = consumer.assignment();
        for (Map.Entry<String, List<PartitionInfo>> t : consumer.listTopics(Duration.ofSeconds(5)).entrySet()) {
            if (topics.matcher(t.getKey()).matches()) {
                for (PartitionInfo p : t.getValue()) {
                    if (!assigned.contains(new TopicPartition(p.topic(), p.partition()))) {
                        return false;
                    }
                }
            }
        }
        Map<TopicPartition, Long> end = consumer.endOffsets(assigned);
        return assigned.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp));
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
