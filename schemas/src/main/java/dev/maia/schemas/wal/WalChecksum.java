package dev.maia.schemas.wal;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The one checksum of a WAL entry: CRC32C over the writer's Avro bytes of every field after the
 * checksum. {@code WALEntry.checksum} is the first field and a 4-byte fixed, so those bytes are the
 * first 4 of the Avro body and the covered bytes are simply the rest of the record value. This keeps
 * verification independent of the reader's schema version.
 */
public final class WalChecksum {
    public static final int SIZE = 4;

    private WalChecksum() {
    }

    /** Fills the checksum slot of an encoded entry whose Avro body starts at {@code bodyOffset}. */
    public static void stamp(byte[] encoded, int bodyOffset) {
        ByteBuffer.wrap(encoded, bodyOffset, SIZE).putInt(compute(encoded, bodyOffset));
    }

    public static void verify(byte[] encoded, int bodyOffset) throws CorruptEntryException {
        if (encoded == null || encoded.length < bodyOffset + SIZE) {
            throw new CorruptEntryException("truncated", "entry too short for its checksum");
        }
        int stored = ByteBuffer.wrap(encoded, bodyOffset, SIZE).getInt();
        int actual = compute(encoded, bodyOffset);
        if (stored != actual) {
            throw new CorruptEntryException("checksum_mismatch", String.format(
                    "checksum mismatch: stored %08x, computed %08x", stored, actual));
        }
    }

    private static int compute(byte[] encoded, int bodyOffset) {
        CRC32C crc = new CRC32C();
        int start = bodyOffset + SIZE;
        crc.update(encoded, start, encoded.length - start);
        return (int) crc.getValue();
    }
}
