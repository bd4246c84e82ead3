package dev.maia.apply;

import dev.maia.control.ControlTopics;
import dev.maia.control.position.PositionsReader;
import dev.maia.apply.position.PositionPublisher;
import dev.maia.apply.position.PositionTracker;
import dev.maia.apply.store.ReplicaStore;
import dev.maia.apply.store.StoreFullException;
import dev.maia.schemas.avro.Failover;
import dev.maia.schemas.wal.WalCodec;
import dev.maia.schemas.wal.WalTopics;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/** The Kafka Streams lifecycle around {@link ApplyTopology}: topics, start, failure, stop. */
final class ApplyStreams implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ApplyStreams.class);

    /** Streams' timer-driven commit, pushed out of the way: a day. */
    static final long STREAMS_OWN_COMMIT_INTERVAL_MS = Duration.ofDays(1).toMillis();

    private final ApplyConfig config;
    private final KafkaStreams streams;
    private final PositionTracker positions;
    private PositionPublisher publisher;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    ApplyStreams(ApplyConfig config, WalCodec codec, ReplicaStore store, PositionTracker positions, TenantHolding holding,
                        MeterRegistry registry, ApplyListener listener, Function<String, Optional<Failover>> failovers) {
        this.config = config;
        this.positions = positions;
        this.streams = new KafkaStreams(ApplyTopology.build(config.region(), codec, store, positions, holding, registry, listener,
                        config.commitIntervalMs(), failovers),
                streamsProperties(config));
        this.streams.setUncaughtExceptionHandler(e -> {
            if (causedBy(e, StoreFullException.class)) {
                // Skipping an entry we cannot store would lose a write: stop and say why instead.
                failure.set(e);
                log.error("Apply in region {} stopped: {}", config.region(), rootMessage(e), e);
                return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
            }
            // Anything else (a source topic deleted under the consumer, a broker hiccup): a new thread
            // resumes from the committed offsets, and positions make the replay exact.
            log.error("Apply thread in region {} failed, replacing it: {}", config.region(), rootMessage(e), e);
            registry.counter("maia.apply.thread.replaced", "region", config.region()).increment();
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    static Properties streamsProperties(ApplyConfig config) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        // bootstrap.servers and the region's identity: Streams hands them to its consumers, producers and admin.
        p.putAll(config.kafkaClientConfig());
        p.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toString());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.streamThreads());
        // Commits come from the apply processor, after it flushed the positions (ApplyProcessor): Streams'
        // own timer must never commit offsets ahead of them.
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, STREAMS_OWN_COMMIT_INTERVAL_MS);
        p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
        p.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        // Batches are appended in transactions: apply all of a batch or none of it.
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.ISOLATION_LEVEL_CONFIG), "read_committed");
        // A new tenant's topic (local or mirrored) must be picked up in seconds, not the default 5 minutes.
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.METADATA_MAX_AGE_CONFIG), ApplyTopology.SUBSCRIPTION_METADATA_MAX_AGE_MS);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), config.fetchMaxWaitMs());
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.FETCH_MIN_BYTES_CONFIG), config.fetchMinBytes());
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), config.maxPollRecords());
        // A replaced thread (a source topic deleted under it: a tenant deleted or a region dropped from a
        // placement) leaves its member in the group without a LeaveGroup, and the group rebalances only
        // once that member's session expires: every tenant's apply waits that long. The broker's minimum
        // (6 s) instead of the consumer's 45 s.
        p.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 6000);
        p.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), 1500);
        p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 5);
        p.put(StreamsConfig.producerPrefix(ProducerConfig.ACKS_CONFIG), "all");
        return p;
    }

    /** Creates the topics this service writes to, then starts applying and waits until it runs. */
    public void start(Duration timeout) throws InterruptedException, TimeoutException {
        ensureTopics();
        publisher = new PositionPublisher(config.region(), config.bootstrapServers(), config.kafkaSecurity(), positions, 50);
        streams.start();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (failure.get() != null || streams.state() == KafkaStreams.State.ERROR
                    || streams.state() == KafkaStreams.State.NOT_RUNNING) {
                throw new IllegalStateException("apply service of " + config.region() + " failed to start: "
                        + (failure.get() == null ? streams.state() : rootMessage(failure.get())));
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("apply service of " + config.region() + " not running after " + timeout
                        + " (state " + streams.state() + ")");
            }
            Thread.sleep(50);
        }
        log.info("Apply service of region {} is running", config.region());
    }

    private void ensureTopics() throws InterruptedException {
        try (Admin admin = Admin.create(config.kafkaClientConfig())) {
            PositionsReader.ensureTopic(admin, config.topicReplication());
            for (String topic : List.of(WalTopics.DLQ, WalTopics.CONFLICTS)) {
                ControlTopics.ensure(admin, config.topicReplication().newTopic(topic, Optional.empty(), Map.of()));
            }
        }
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    /** Why applying stopped, if it did. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure.get());
    }

    @Override
    public void close() {
        // One instance per region: leaving the group lets a restart take over at once instead of
        // waiting out the session timeout.
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(30)));
        // Closing tasks flushed already; this covers a close that timed out with tasks still open.
        positions.flush();
        if (publisher != null) {
            publisher.close();
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }
}
