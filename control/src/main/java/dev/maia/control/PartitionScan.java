package dev.maia.control;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Finding one record of a log partition with an assigned consumer. Offsets alone do not say where the
 * records are: a partition written in transactions holds commit markers, which no reader receives, and a
 * compacted or truncated one has gaps; so both look at what a consumer actually returns.
 */
public final class PartitionScan {
    private static final int FIRST_LOOK_BACK = 16;

    private PartitionScan() {
    }

    /**
     * The first record at or after {@code offset} and before {@code end}; empty if there is none, or if it
     * was not reached within the timeout (a caller that must tell the two apart compares the consumer's
     * position with {@code end} afterwards).
     */
    public static <K, V> Optional<ConsumerRecord<K, V>> firstAtOrAfter(KafkaConsumer<K, V> consumer, TopicPartition tp,
                                                                        long offset, long end, Duration timeout) {
        if (offset >= end) {
            return Optional.empty();
        }
        consumer.assign(List.of(tp));
        consumer.seek(tp, offset);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (consumer.position(tp) < end && System.nanoTime() < deadline) {
            for (ConsumerRecord<K, V> r : consumer.poll(Duration.ofMillis(100))) {
                if (r.offset() >= offset) {
                    return Optional.of(r);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The last record of the partition; empty if it has none. Looks back from the end in growing steps
     * (the tail is usually one commit marker) until a record is found or the log's beginning is reached.
     *
     * @throws IllegalStateException if the partition could not be read to its end within the timeout
     */
    public static <K, V> Optional<ConsumerRecord<K, V>> last(KafkaConsumer<K, V> consumer, TopicPartition tp, Duration timeout) {
        List<TopicPartition> one = List.of(tp);
        long begin = consumer.beginningOffsets(one, timeout).get(tp);
        long end = consumer.endOffsets(one, timeout).get(tp);
        consumer.assign(one);
        for (long back = FIRST_LOOK_BACK; ; back *= 4) {
            long from = Math.max(begin, end - back);
            consumer.seek(tp, from);
            ConsumerRecord<K, V> last = null;
            long deadline = System.nanoTime() + timeout.toNanos();
            while (consumer.position(tp) < end) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + tp + " to its end within " + timeout);
                }
                for (ConsumerRecord<K, V> r : consumer.poll(Duration.ofMillis(100))) {
                    last = r;
                }
            }
            if (last != null || from == begin) {
                return Optional.ofNullable(last);
            }
        }
    }
}
