package dev.maia.apply.conflict;

import dev.maia.schemas.avro.Conflict;
import dev.maia.schemas.avro.WALEntry;
import org.apache.avro.message.BinaryMessageEncoder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/**
 * The {@code maia.conflicts} record of a conflict: key {@code tenant/type/resource/loser/winner} and a
 * {@link Conflict} (single-object Avro) holding both entries as they came off their logs. Nothing in it
 * depends on the region or on the arrival order, so every region that applies both entries writes the
 * same bytes, and a consumer can deduplicate across regions by key.
 */
public final class ConflictFeed {
    private static final BinaryMessageEncoder<Conflict> ENCODER = Conflict.getEncoder();

    private ConflictFeed() {
    }

    public static String key(ConflictPair pair) {
        WALEntry w = pair.winner().entry();
        return w.getTenantId() + "/" + w.getResourceType() + "/" + w.getResourceId() + "/" + pair.loser().id() + "/" + pair.winner().id();
    }

    public static byte[] value(ConflictPair pair) {
        WALEntry w = pair.winner().entry();
        Conflict c = Conflict.newBuilder()
                .setTenantId(w.getTenantId())
                .setResourceType(w.getResourceType())
                .setResourceId(w.getResourceId())
                .setStrategy(pair.strategy())
                .setWinnerId(pair.winner().id())
                .setLoserId(pair.loser().id())
                .setWinner(ByteBuffer.wrap(pair.winner().encoded()))
                .setLoser(ByteBuffer.wrap(pair.loser().encoded()))
                .build();
        try {
            return ENCODER.encode(c).array();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode the conflict of " + key(pair), e);
        }
    }

    public static Conflict decode(byte[] value) throws IOException {
        return Conflict.getDecoder().decode(value);
    }
}
