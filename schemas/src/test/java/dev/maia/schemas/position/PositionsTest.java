package dev.maia.schemas.position;

import dev.maia.schemas.avro.Position;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Positions carry the dead-lettered offsets, and those published before that field are still read. */
class PositionsTest {

    @Test
    void theDeadLetteredOffsetsTravelWithThePosition() throws Exception {
        Position p = Position.newBuilder().setRegion("eu-central").setOriginRegion("us-west").setTenantId("acme")
                .setPartition(0).setOffset(9).setHlc(1L << 16).setTimestamp(Instant.ofEpochMilli(5))
                .setDeadLettered(List.of(7L)).build();

        Position read = Positions.decode(Positions.encode(p));

        assertThat(read.getOffset()).isEqualTo(9);
        assertThat(read.getDeadLettered()).containsExactly(7L);
    }

    @Test
    void aPositionPublishedBeforeTheUpgradeIsReadWithNothingDeadLettered() throws Exception {
        Schema v1;
        try (InputStream in = Positions.class.getResourceAsStream("/dev/maia/schemas/avro-history/Position-v1.avsc")) {
            v1 = new Schema.Parser().parse(in);
        }
        GenericRecord old = new GenericData.Record(v1);
        old.put("region", "eu-central");
        old.put("origin_region", "us-west");
        old.put("tenant_id", "acme");
        old.put("partition", 2);
        old.put("offset", 41L);
        old.put("hlc", 3L << 16);
        old.put("timestamp", 5L);
        byte[] bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(old).array();

        Position read = Positions.decode(bytes);

        assertThat(read.getOffset()).isEqualTo(41);
        assertThat(read.getPartition()).isEqualTo(2);
        assertThat(read.getDeadLettered()).isEmpty();
    }
}
