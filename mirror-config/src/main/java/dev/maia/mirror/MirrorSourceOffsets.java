package dev.maia.mirror;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.json.JsonConverterConfig;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The source offsets MirrorMaker 2 committed for one flow, as its Connect worker keeps them in the TARGET
 * cluster ({@code mm2-offsets.<source>.internal}), and the one change MAIA makes to them: forgetting a
 * topic's, so that the flow's next source task copies that topic from its beginning again.
 *
 * <p>What Connect 4.3.1 does with this topic (read from its bytecode): the key is the JSON
 * {@code ["MirrorSourceConnector",{"cluster":<source>,"partition":p,"topic":<topic>}]}, the value
 * {@code {"offset":N}}; {@code KafkaOffsetBackingStore} keys its map by the raw key bytes, removes a key on
 * a null value, and reads the topic to its end on every {@code get()}, which a source task does once when
 * it starts. A task that finds no offset ({@code MirrorUtils.unwrapOffset} → -1) does not seek, so its
 * consumer starts at {@code auto.offset.reset}, which MM2 sets to {@code earliest}. A tombstone therefore
 * has to carry the exact key bytes that were committed: the JSON field order of the partition map is a
 * {@code HashMap}'s, not a contract, so keys are matched by their parsed content, never rebuilt.
 *
 * <p>The offsets topic is read by one consumer kept open between calls, which reads only what was written
 * since the last ({@link CommittedOffsetsReplay}): a topic refresh that finds many new tenants asks once
 * per tenant, and the topic holds a key per partition of every tenant.
 */
final class MirrorSourceOffsets implements AutoCloseable {

    /** The connector name MM2's dedicated mode gives every flow's source connector, the key's first element. */
    static final String SOURCE_CONNECTOR = "MirrorSourceConnector";

    /** A committed offset's key: where it is in the offsets topic, and its bytes exactly as written. */
    record Committed(int offsetsPartition, byte[] key) {
    }

    private final String connector;
    private final String source;
    private final String offsetsTopic;
    private final Map<String, Object> consumerConfig;
    private final Map<String, Object> producerConfig;
    private final Duration timeout;
    /** Kept open between calls, with what it has read so far; null until the first call (or after a failure). */
    private KafkaConsumer<byte[], byte[]> reader;
    private List<TopicPartition> partitions;
    private CommittedOffsetsReplay replay;

    /**
     * @param connector    the flow's source connector name, the keys' first element
     * @param targetClient client settings of the target cluster ({@code bootstrap.servers}, security)
     */
    MirrorSourceOffsets(String connector, String source, Map<String, Object> targetClient, Duration timeout) {
        this.connector = Objects.requireNonNull(connector, "connector");
        this.source = Objects.requireNonNull(source, "source");
        this.offsetsTopic = offsetsTopic(source);
        this.timeout = timeout;
        this.consumerConfig = new HashMap<>(targetClient);
        // The worker reads committed data only when its source tasks write offsets transactionally.
        consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerConfig.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        this.producerConfig = new HashMap<>(targetClient);
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
    }

    /** MM2's default {@code offset.storage.topic} of a flow out of {@code source} (MirrorMakerConfig). */
    static String offsetsTopic(String source) {
        return "mm2-offsets." + source + ".internal";
    }

    /**
     * Tombstones every offset committed for a partition of {@code topic} of this flow's source cluster and
     * waits until the target cluster acknowledged them all; answers how many there were.
     */
    int forget(String topic) throws InterruptedException, ExecutionException, TimeoutException {
        List<Committed> keys = committed(topic);
        if (keys.isEmpty()) {
            return 0;
        }
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig,
                new ByteArraySerializer(), new ByteArraySerializer())) {
            List<Future<RecordMetadata>> acks = new ArrayList<>();
            for (Committed c : keys) {
                // Into the key's own partition: a compacted key lives in one partition, whatever the partitioner.
                acks.add(producer.send(new ProducerRecord<>(offsetsTopic, c.offsetsPartition(), c.key(), null)));
            }
            producer.flush();
            for (Future<RecordMetadata> ack : acks) {
                ack.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
        return keys.size();
    }

    /** The keys of {@code topic}'s partitions whose latest committed value is an offset (not a tombstone). */
    synchronized List<Committed> committed(String topic) throws TimeoutException {
        try {
            catchUp();
        } catch (TimeoutException | RuntimeException e) {
            closeReader(); // never answer from a half-read replay: start over at the next call
            throw e;
        }
        return replay == null ? List.of() : replay.live(topic);
    }

    /** Reads the offsets topic from where the last call stopped to its current end. */
    private void catchUp() throws TimeoutException {
        if (reader == null) {
            KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig,
                    new ByteArrayDeserializer(), new ByteArrayDeserializer());
            List<PartitionInfo> infos;
            try {
                infos = consumer.partitionsFor(offsetsTopic, timeout);
            } catch (RuntimeException e) {
                consumer.close(Duration.ZERO);
                throw e;
            }
            if (infos == null || infos.isEmpty()) {
                consumer.close(Duration.ZERO);
                return; // the flow's worker never started here: nothing committed yet
            }
            partitions = infos.stream().map(p -> new TopicPartition(offsetsTopic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            reader = consumer;
            replay = new CommittedOffsetsReplay(connector, source);
        }
        Map<TopicPartition, Long> end = reader.endOffsets(partitions, timeout);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (partitions.stream().anyMatch(tp -> reader.position(tp, timeout) < end.get(tp))) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("reading " + offsetsTopic + " to its end took over " + timeout.toMillis() + " ms");
            }
            replay.apply(reader.poll(Duration.ofMillis(200)));
        }
    }

    private void closeReader() {
        if (reader != null) {
            reader.close(Duration.ofSeconds(5));
        }
        reader = null;
        replay = null;
        partitions = null;
    }

    @Override
    public synchronized void close() {
        closeReader();
    }

    /**
     * Replays the offsets topic as the worker does (by raw key bytes, a null value removes) and keeps the
     * keys that name a partition of {@code topic} of {@code source} under {@code connector}.
     */
    static List<Committed> committedKeys(Iterable<ConsumerRecord<byte[], byte[]>> records, String connector,
                                         String source, String topic) {
        CommittedOffsetsReplay replay = new CommittedOffsetsReplay(connector, source);
        replay.apply(records);
        return replay.live(topic);
    }

    /** Whether a key is {@code [connector, {cluster: source, topic: topic, partition: <int>}]}, in any field order. */
    static boolean isKeyOf(byte[] key, String connector, String source, String topic) {
        return isKeyOf(KEY_CONVERTER.get(), key, connector, source, topic);
    }

    private static boolean isKeyOf(JsonConverter json, byte[] key, String connector, String source, String topic) {
        return topic.equals(topicOfKey(json, key, connector, source));
    }

    /** The topic a key {@code [connector, {cluster: source, topic: T, partition: <int>}]} names, or null for any other key. */
    static String topicOfKey(byte[] key, String connector, String source) {
        return topicOfKey(KEY_CONVERTER.get(), key, connector, source);
    }

    private static String topicOfKey(JsonConverter json, byte[] key, String connector, String source) {
        Object parsed;
        try {
            parsed = json.toConnectData(null, key).value();
        } catch (DataException e) {
            return null; // not Connect's JSON: some other writer's record, not ours to touch
        }
        if (!(parsed instanceof List<?> list) || list.size() != 2 || !connector.equals(list.get(0))
                || !(list.get(1) instanceof Map<?, ?> partition)) {
            return null;
        }
        return source.equals(partition.get("cluster")) && partition.get("topic") instanceof String topic
                && partition.get("partition") instanceof Number ? topic : null;
    }

    /** One converter per thread (configuring one per key would cost more than parsing it). */
    private static final ThreadLocal<JsonConverter> KEY_CONVERTER = ThreadLocal.withInitial(MirrorSourceOffsets::keyConverter);

    /** Connect's internal key converter: JSON without schemas. */
    private static JsonConverter keyConverter() {
        JsonConverter json = new JsonConverter();
        json.configure(Map.of(JsonConverterConfig.SCHEMAS_ENABLE_CONFIG, "false"), true);
        return json;
    }
}
