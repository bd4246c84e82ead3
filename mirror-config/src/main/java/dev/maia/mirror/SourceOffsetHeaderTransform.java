package dev.maia.mirror;

import dev.maia.schemas.wal.WalHeaders;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.header.Headers;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.transforms.Transformation;

import java.util.Map;

/**
 * MirrorMaker 2 transform that stamps every mirrored record with its exact offset in the origin
 * region's topic (header {@link WalHeaders#ORIGIN_OFFSET}), so the apply side can report positions in
 * the origin's offsets: MM2 itself gives the copy a different offset in the target cluster.
 *
 * <p>MirrorSourceTask puts the upstream offset in {@code sourceOffset().get("offset")}. The value is
 * written as 8 big-endian bytes because MM2's header converter is {@code ByteArrayConverter}: a typed
 * header ({@code addLong}) makes the task fail with a {@code DataException} while the process stays up.
 *
 * <p>It must be configured with flow-prefixed keys ({@code a->b.transforms=...}) and restricted to WAL
 * topics with a {@code TopicNameMatches} predicate, because heartbeat records pass through it too.
 */
public class SourceOffsetHeaderTransform implements Transformation<SourceRecord> {

    /** The key MirrorSourceTask uses for the upstream offset in {@link SourceRecord#sourceOffset()}. */
    static final String OFFSET_KEY = "offset";

    @Override
    public SourceRecord apply(SourceRecord record) {
        if (record == null) {
            return null;
        }
        Map<String, ?> sourceOffset = record.sourceOffset();
        Object offset = sourceOffset == null ? null : sourceOffset.get(OFFSET_KEY);
        if (!(offset instanceof Number number)) {
            // Not a record MirrorSourceTask copied from a topic partition: nothing exact to stamp.
            return record;
        }
        // A new record with copied headers: the transform stays side-effect free if Connect retries the
        // chain, so a record never carries the header twice. Appended, so any existing headers keep their order.
        Headers headers = record.headers().duplicate();
        headers.addBytes(WalHeaders.ORIGIN_OFFSET, WalHeaders.encodeLong(number.longValue()));
        return record.newRecord(record.topic(), record.kafkaPartition(), record.keySchema(), record.key(),
                record.valueSchema(), record.value(), record.timestamp(), headers);
    }

    @Override
    public ConfigDef config() {
        return new ConfigDef();
    }

    @Override
    public void configure(Map<String, ?> configs) {
        // No settings: the offset comes from the record itself.
    }

    @Override
    public void close() {
        // Nothing to release.
    }
}
