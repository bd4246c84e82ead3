package dev.maia.schemas.wal;

import dev.maia.schemas.avro.ConflictStrategy;
import dev.maia.schemas.avro.WALEntry;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.SchemaStore;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Old readers read new data and new readers read old data, with the checksum intact both ways. */
class SchemaEvolutionTest {

    /** The next schema version: WALEntry plus a field with a default, as the rule for new fields says. */
    private static Schema nextVersion() {
        Schema current = WALEntry.SCHEMA$;
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : current.getFields()) {
            fields.add(new Schema.Field(f, f.schema()));
        }
        fields.add(new Schema.Field("key_id", Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING)),
                "encryption key id", Schema.Field.NULL_DEFAULT_VALUE));
        return Schema.createRecord(current.getName(), current.getDoc(), current.getNamespace(), false, fields);
    }

    @Test
    void anOldReaderReadsAnEntryWrittenWithTheNewSchema() throws Exception {
        Schema v2 = nextVersion();
        WALEntry original = TestEntries.entry("written by v2", 9L << 16, "us-west", 3);
        GenericRecord asV2 = toGeneric(original, v2);
        asV2.put("key_id", "k-2026");
        byte[] bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v2).encode(asV2).array();
        WalChecksum.stamp(bytes, SingleObjectWalCodec.HEADER_SIZE);

        SingleObjectWalCodec oldReader = new SingleObjectWalCodec();
        oldReader.addWriterSchema(v2);
        WALEntry read = oldReader.decode(bytes);

        assertThat(read.getId()).isEqualTo(original.getId());
        assertThat(read.getData()).isEqualTo(original.getData());
        assertThat(read.getHlc()).isEqualTo(original.getHlc());
    }

    @Test
    void aNewReaderReadsAnEntryWrittenWithTheOldSchema() throws Exception {
        Schema v2 = nextVersion();
        WALEntry original = TestEntries.entry("written by v1", 10L << 16, "ap-tokyo", 1);
        byte[] bytes = new SingleObjectWalCodec().encode(original);
        WalChecksum.verify(bytes, SingleObjectWalCodec.HEADER_SIZE);

        SchemaStore.Cache known = new SchemaStore.Cache();
        known.addSchema(WALEntry.SCHEMA$);
        GenericRecord read = new BinaryMessageDecoder<GenericRecord>(GenericData.get(), v2, known).decode(bytes);

        assertThat(read.get("key_id")).isNull();
        assertThat(read.get("id").toString()).isEqualTo(original.getId());
        assertThat(read.get("hlc")).isEqualTo(original.getHlc());
        assertThat(((GenericRecord) read.get("data")).get("content").toString()).isEqualTo("written by v1");
    }

    /** WALEntry as it was before lineage and conflict strategies (kept in the jar for the codec). */
    private static Schema firstVersion() {
        return WalSchemaHistory.previous().get(0);
    }

    @Test
    void anEntryWrittenBeforeLineageIsReadWithNoBasedOnAndLww() throws Exception {
        Schema v1 = firstVersion();
        assertThat(v1.getField("based_on")).isNull();
        WALEntry original = TestEntries.entry("written by v1", 11L << 16, "us-west", 2);
        GenericRecord asV1 = toGeneric(original, v1);
        byte[] bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(asV1).array();
        WalChecksum.stamp(bytes, SingleObjectWalCodec.HEADER_SIZE);

        // No addWriterSchema: the codec knows the earlier versions itself, so old logs are not dead-lettered.
        WALEntry read = new SingleObjectWalCodec().decode(bytes);

        assertThat(read.getId()).isEqualTo(original.getId());
        assertThat(read.getBasedOn()).isNull();
        assertThat(read.getSeen()).isEmpty();
        assertThat(read.getConflictStrategy()).isEqualTo(ConflictStrategy.lww);
        assertThat(WalAncestry.knowsLineage(read)).as("an update without based_on: an old writer's").isFalse();
    }

    @Test
    void aReaderOfTheVersionBeforeLineageReadsAnEntryThatHasIt() throws Exception {
        WALEntry base = TestEntries.entry("base", 12L << 16, "us-west", 2);
        WALEntry original = TestEntries.entry("built on base", 13L << 16, "us-west", 2);
        WalAncestry.builtOn(original, base);
        original.setConflictStrategy(ConflictStrategy.merge);
        byte[] bytes = new SingleObjectWalCodec().encode(original);

        SchemaStore.Cache known = new SchemaStore.Cache();
        known.addSchema(WALEntry.SCHEMA$);
        GenericRecord read = new BinaryMessageDecoder<GenericRecord>(GenericData.get(), firstVersion(), known).decode(bytes);

        assertThat(read.get("id").toString()).isEqualTo(original.getId());
        assertThat(read.get("placement_epoch")).isEqualTo(2L);
        assertThat(((GenericRecord) read.get("data")).get("content").toString()).isEqualTo("built on base");
        WalChecksum.verify(bytes, SingleObjectWalCodec.HEADER_SIZE);
    }

    @Test
    void anEntryWrittenBeforeEncryptionIsReadAsPlaintext() throws Exception {
        Schema beforeSealed = WalSchemaHistory.previous().get(1);
        assertThat(beforeSealed.getField("sealed")).isNull();
        assertThat(beforeSealed.getField("conflict_strategy")).isNotNull();
        WALEntry original = TestEntries.entry("written before encryption", 14L << 16, "us-west", 2);
        byte[] bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), beforeSealed)
                .encode(toGeneric(original, beforeSealed)).array();
        WalChecksum.stamp(bytes, SingleObjectWalCodec.HEADER_SIZE);

        // No addWriterSchema: without the version in the jar, every entry already in the logs would be dead-lettered.
        WALEntry read = new SingleObjectWalCodec().decode(bytes);

        assertThat(read.getSealed()).isNull();
        assertThat(read.getData()).isEqualTo(original.getData());
    }

    private static GenericRecord toGeneric(WALEntry entry, Schema target) throws Exception {
        byte[] bytes = new SingleObjectWalCodec().encode(entry);
        SchemaStore.Cache known = new SchemaStore.Cache();
        known.addSchema(WALEntry.SCHEMA$);
        return new BinaryMessageDecoder<GenericRecord>(GenericData.get(), target, known).decode(ByteBuffer.wrap(bytes));
    }
}
