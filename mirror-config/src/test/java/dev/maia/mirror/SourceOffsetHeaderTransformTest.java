package dev.maia.mirror;

import dev.maia.schemas.wal.WalHeaders;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SourceOffsetHeaderTransformTest {

    private final SourceOffsetHeaderTransform transform = new SourceOffsetHeaderTransform();

    private static SourceRecord record(Map<String, ?> sourceOffset, ConnectHeaders headers) {
        return new SourceRecord(
                Map.of("cluster", "us-west", "topic", "maia.wal.t1", "partition", 2), sourceOffset,
                "us-west.maia.wal.t1", 2, Schema.BYTES_SCHEMA, new byte[] {1}, Schema.BYTES_SCHEMA, new byte[] {2},
                1_700_000_000_000L, headers);
    }

    @Test
    void appendsTheExactUpstreamOffsetAsEightBigEndianBytes() {
        ConnectHeaders headers = new ConnectHeaders();
        headers.addBytes("existing", new byte[] {9});
        SourceRecord in = record(Map.of("offset", 123_456_789_012L), headers);

        SourceRecord out = transform.apply(in);

        List<Header> all = new ArrayList<>();
        out.headers().forEach(all::add);
        assertThat(all).extracting(Header::key).containsExactly("existing", WalHeaders.ORIGIN_OFFSET);
        Header h = out.headers().lastWithName(WalHeaders.ORIGIN_OFFSET);
        assertThat(h.value()).isInstanceOf(byte[].class);
        assertThat((byte[]) h.value()).hasSize(8);
        assertThat(WalHeaders.decodeLong((byte[]) h.value())).isEqualTo(123_456_789_012L);
        // Everything else is carried over unchanged.
        assertThat(out.topic()).isEqualTo(in.topic());
        assertThat(out.kafkaPartition()).isEqualTo(2);
        assertThat(out.key()).isEqualTo(in.key());
        assertThat(out.value()).isEqualTo(in.value());
        assertThat(out.timestamp()).isEqualTo(in.timestamp());
        assertThat(out.sourceOffset()).isEqualTo(in.sourceOffset());
        // The input is not modified, so a retried chain never stamps twice.
        assertThat(in.headers().lastWithName(WalHeaders.ORIGIN_OFFSET)).isNull();
    }

    @Test
    void acceptsIntegerOffsetsAndOffsetZero() {
        SourceRecord out = transform.apply(record(Map.of("offset", 0), new ConnectHeaders()));
        assertThat(WalHeaders.decodeLong((byte[]) out.headers().lastWithName(WalHeaders.ORIGIN_OFFSET).value()))
                .isZero();
    }

    @Test
    void leavesRecordsWithoutAnOffsetUntouched() {
        SourceRecord noOffset = record(Map.of("something", "else"), new ConnectHeaders());
        assertThat(transform.apply(noOffset)).isSameAs(noOffset);
        SourceRecord nullOffset = record(null, new ConnectHeaders());
        assertThat(transform.apply(nullOffset)).isSameAs(nullOffset);
        assertThat(transform.apply(null)).isNull();
    }
}
