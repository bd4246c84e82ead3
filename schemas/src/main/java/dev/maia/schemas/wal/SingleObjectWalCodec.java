package dev.maia.schemas.wal;

import dev.maia.schemas.avro.Crc32c;
import dev.maia.schemas.avro.WALEntry;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * The registry-less codec: Avro single-object encoding ({@code C3 01}, 8-byte schema fingerprint, body).
 * A reader resolves the writer's schema by fingerprint, so it must know every schema version that
 * writers use: roll readers before writers, or add versions with {@link #addWriterSchema}. The
 * registry-backed codec lifts that constraint.
 */
public final class SingleObjectWalCodec implements WalCodec {
    static {
        AvroClasses.trust();
    }

    /** Magic (2 bytes) and CRC-64-AVRO fingerprint (8 bytes) precede the Avro body. */
    public static final int HEADER_SIZE = 10;
    private static final Crc32c EMPTY_CHECKSUM = new Crc32c(new byte[WalChecksum.SIZE]);

    private final BinaryMessageEncoder<WALEntry> encoder = WALEntry.getEncoder();
    private final BinaryMessageDecoder<WALEntry> decoder;

    public SingleObjectWalCodec() {
        this(new SchemaStore.Cache());
    }

    public SingleObjectWalCodec(SchemaStore writerSchemas) {
        this.decoder = new BinaryMessageDecoder<>(SpecificData.getForSchema(WALEntry.SCHEMA$), WALEntry.SCHEMA$, writerSchemas);
        WalSchemaHistory.previous().forEach(decoder::addSchema);
    }

    public void addWriterSchema(Schema writerSchema) {
        decoder.addSchema(writerSchema);
    }

    @Override
    public byte[] encode(WALEntry entry) {
        Crc32c given = entry.getChecksum();
        entry.setChecksum(EMPTY_CHECKSUM);
        try {
            byte[] bytes = encoder.encode(entry).array();
            WalChecksum.stamp(bytes, HEADER_SIZE);
            entry.setChecksum(new Crc32c(Arrays.copyOfRange(bytes, HEADER_SIZE, HEADER_SIZE + WalChecksum.SIZE)));
            return bytes;
        } catch (IOException e) {
            entry.setChecksum(given);
            throw new UncheckedIOException("cannot encode WAL entry " + entry.getId(), e);
        }
    }

    @Override
    public WALEntry decode(byte[] value) throws CorruptEntryException {
        if (value == null || value.length < HEADER_SIZE + WalChecksum.SIZE) {
            throw new CorruptEntryException("truncated", "record value too short to be a WAL entry");
        }
        WalChecksum.verify(value, HEADER_SIZE);
        try {
            return decoder.decode(value);
        } catch (MissingSchemaException e) {
            throw new CorruptEntryException("unknown_schema", "writer schema not known: " + e.getMessage(), e);
        } catch (BadHeaderException e) {
            throw new CorruptEntryException("bad_header", "not a single-object encoded entry: " + e.getMessage(), e);
        } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException | NegativeArraySizeException e) {
            throw new CorruptEntryException("undecodable", "cannot decode WAL entry: " + e, e);
        }
    }
}
