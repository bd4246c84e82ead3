package dev.maia.mirror;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The live committed offsets of one flow's source connector, replayed from its offsets topic as the
 * Connect worker does (by raw key bytes; a null value removes), kept between calls and fed only the
 * records written since. Replaying the whole topic for every topic that starts flowing made a refresh
 * that finds N new tenants read N times a topic that itself grows with the tenants: O(tenants²) on MM2's
 * refresh thread, which is what delays every new tenant's mirroring. Each record is parsed once here.
 */
final class CommittedOffsetsReplay {
    private final String connector;
    private final String source;
    /** Mirrored topic to its live keys (raw bytes to where they are). */
    private final Map<String, Map<ByteBuffer, MirrorSourceOffsets.Committed>> byTopic = new HashMap<>();
    /** Raw key to the topic it names, for the keys of this flow only: a tombstone carries no parsed content. */
    private final Map<ByteBuffer, String> topicOfKey = new HashMap<>();

    CommittedOffsetsReplay(String connector, String source) {
        this.connector = connector;
        this.source = source;
    }

    /** Applies records in the order they were read from one partition (keys never move between partitions). */
    void apply(Iterable<ConsumerRecord<byte[], byte[]>> records) {
        for (ConsumerRecord<byte[], byte[]> r : records) {
            if (r.key() == null) {
                continue;
            }
            ByteBuffer k = ByteBuffer.wrap(r.key());
            String known = topicOfKey.get(k);
            if (r.value() == null) {
                if (known != null) {
                    topicOfKey.remove(k);
                    Map<ByteBuffer, MirrorSourceOffsets.Committed> keys = byTopic.get(known);
                    keys.remove(k);
                    if (keys.isEmpty()) {
                        byTopic.remove(known);
                    }
                }
                continue;
            }
            String topic = known != null ? known : MirrorSourceOffsets.topicOfKey(r.key(), connector, source);
            if (topic != null) {
                topicOfKey.put(k, topic);
                byTopic.computeIfAbsent(topic, t -> new LinkedHashMap<>()).put(k, new MirrorSourceOffsets.Committed(r.partition(), r.key()));
            }
        }
    }

    /** The keys of {@code topic}'s partitions whose latest committed value is an offset. */
    List<MirrorSourceOffsets.Committed> live(String topic) {
        Map<ByteBuffer, MirrorSourceOffsets.Committed> keys = byTopic.get(topic);
        return keys == null ? List.of() : List.copyOf(keys.values());
    }
}
