package dev.maia.apply.conflict;

import dev.maia.schemas.avro.Conflict;
import dev.maia.schemas.avro.ConflictReason;
import dev.maia.schemas.avro.ConflictStrategy;
import dev.maia.schemas.avro.ResourceType;
import dev.maia.schemas.wal.AvroClasses;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.ByteBuffer;

import static org.assertj.core.api.Assertions.assertThat;

/** The feed keeps records of every version of the Conflict schema: the ones written before reason existed stay readable. */
class ConflictFeedTest {
    static {
        AvroClasses.trust();
    }

    @Test
    void aRecordWrittenBeforeReasonsExistedIsReadAsAConcurrentPair() throws Exception {
        Schema v1;
        try (InputStream in = ConflictFeed.class.getResourceAsStream("/dev/maia/schemas/avro-history/Conflict-v1.avsc")) {
            v1 = new Schema.Parser().parse(in);
        }
        GenericRecord old = new GenericData.Record(v1);
        old.put("tenant_id", "acme");
        old.put("resource_type", new GenericData.EnumSymbol(v1.getField("resource_type").schema(), "memory"));
        old.put("resource_id", "m");
        old.put("strategy", new GenericData.EnumSymbol(v1.getField("strategy").schema(), "merge"));
        old.put("winner_id", "W");
        old.put("loser_id", "L");
        old.put("winner", ByteBuffer.wrap(new byte[]{1, 2}));
        old.put("loser", ByteBuffer.wrap(new byte[]{3}));
        byte[] bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(old).array();

        Conflict read = ConflictFeed.decode(bytes);

        assertThat(read.getResourceType()).isEqualTo(ResourceType.memory);
        assertThat(read.getStrategy()).isEqualTo(ConflictStrategy.merge);
        assertThat(read.getLoserId()).isEqualTo("L");
        assertThat(read.getLoser().array()).containsExactly(3);
        assertThat(read.getReason()).isEqualTo(ConflictReason.concurrent);
        assertThat(read.getLeftoverId()).isNull();
    }
}
