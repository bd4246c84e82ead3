package dev.maia.apply.store;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** A list of encoded entries as one store value: a count, then each entry's length and bytes. */
final class SiblingCodec {
    private SiblingCodec() {
    }

    static byte[] pack(List<byte[]> entries) {
        int size = Integer.BYTES;
        for (byte[] e : entries) {
            size += Integer.BYTES + e.length;
        }
        ByteBuffer out = ByteBuffer.allocate(size).putInt(entries.size());
        entries.forEach(e -> out.putInt(e.length).put(e));
        return out.array();
    }

    static List<byte[]> unpack(byte[] packed) {
        ByteBuffer in = ByteBuffer.wrap(packed);
        int count = in.getInt();
        List<byte[]> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] e = new byte[in.getInt()];
            in.get(e);
            out.add(e);
        }
        return out;
    }
}
