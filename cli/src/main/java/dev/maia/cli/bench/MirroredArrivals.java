package dev.maia.cli.bench;

import dev.maia.schemas.topology.KafkaSecurity;
import dev.maia.producer.WalRecordKey;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The raw MirrorMaker 2 baseline: a plain consumer in the follower's cluster on the mirrored copy of a
 * tenant's log, stamping when each record (by key = resource id) becomes readable there. Same writes,
 * same moment as the apply side's arrivals: the difference between the two is MAIA's apply path.
 * Consumer settings as the apply application's: {@code fetch.max.wait.ms=50}, {@code read_committed}.
 */
final class MirroredArrivals implements AutoCloseable {
    private final Map<String, Long> arrivals = new ConcurrentHashMap<>();
    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread poller;
    private final CountDownLatch positioned = new CountDownLatch(1);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean closed;

    private MirroredArrivals(String bootstrapServers, KafkaSecurity security, String topic) {
        Map<String, Object> config = security.clientConfig(bootstrapServers);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "maia-bench-mirrored-arrivals");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        poller = new Thread(() -> poll(topic), "bench-mirrored-arrivals");
        poller.setDaemon(true);
    }

    /** Starts reading at the topic's end (only records written from now on count); waits until positioned. */
    static MirroredArrivals start(String bootstrapServers, KafkaSecurity security, String topic, Duration timeout)
            throws InterruptedException {
        MirroredArrivals m = new MirroredArrivals(bootstrapServers, security, topic);
        m.poller.start();
        if (!m.positioned.await(timeout.toMillis(), TimeUnit.MILLISECONDS) || m.failure.get() != null) {
            m.close();
            throw new IllegalStateException("cannot read " + topic + " at " + bootstrapServers
                    + (m.failure.get() == null ? " within " + timeout : ": " + m.failure.get()));
        }
        return m;
    }

    private void poll(String topic) {
        try {
            List<PartitionInfo> parts = consumer.partitionsFor(topic, Duration.ofSeconds(30));
            if (parts == null || parts.isEmpty()) {
                throw new IllegalStateException("no partitions for " + topic);
            }
            List<TopicPartition> tps = parts.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(tps);
            consumer.seekToEnd(tps);
            tps.forEach(consumer::position); // resolve the end now, before any measured write
            positioned.countDown();
            while (!closed) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    long now = System.nanoTime();
                    if (r.key() != null) {
                        arrivals.putIfAbsent(WalRecordKey.resourceId(r.key()), now);
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            failure.set(e);
            positioned.countDown();
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** Resource id to the nanoTime its mirrored record was first read. */
    Map<String, Long> arrivals() {
        return arrivals;
    }

    @Override
    public void close() {
        closed = true;
        consumer.wakeup();
        try {
            poller.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
