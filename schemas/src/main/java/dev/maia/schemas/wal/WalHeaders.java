package dev.maia.schemas.wal;

import java.nio.ByteBuffer;

/**
 * Kafka record headers of WAL records. MirrorMaker 2 only carries bytes in headers, so numbers are
 * 8-byte big-endian longs.
 */
public final class WalHeaders {
    /** The record's offset in the origin region's {@code maia.wal.<tenant>} topic, added by MM2's transform. */
    public static final String ORIGIN_OFFSET = "maia.origin.offset";

    private WalHeaders() {
    }

    public static byte[] encodeLong(long value) {
        return ByteBuffer.allocate(Long.BYTES).putLong(value).array();
    }

    public static long decodeLong(byte[] bytes) {
        if (bytes == null || bytes.length != Long.BYTES) {
            throw new IllegalArgumentException("expected an 8-byte header value, got "
                    + (bytes == null ? "null" : bytes.length + " bytes"));
        }
        return ByteBuffer.wrap(bytes).getLong();
    }
}
