package dev.maia.apply.conflict;

import dev.maia.schemas.avro.Conflict;
import dev.maia.schemas.avro.ConflictReason;
import dev.maia.schemas.avro.WALEntry;
import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.SchemaStore;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/**
 * The {@code maia.conflicts} record of a conflict: key {@code tenant/type/resource/loser/winner} and a
 * {@link Conflict} (single-object Avro) holding both entries as they came off their logs. Nothing in it
 * depends on the region or on the arrival order, so every region that applies both entries writes the
 * same bytes, and a consumer can deduplicate across regions by key.
 *
 * <p>A failover leftover ({@link Leftovers}) is reported with reason {@code failover_leftover} and its id
 * in {@code leftover_id}: in the pairs it was concurrent with, or, when it was concurrent with nothing, in
 * one record with the version it replaced (null, and an empty loser in the key, when it created the
 * resource) or the stored state it lost to.
 */
public final class ConflictFeed {
    private static final BinaryMessageEncoder<Conflict> ENCODER = Conflict.getEncoder();
    /** Reads records written before {@code reason} existed, too: the feed keeps them. */
    private static final BinaryMessageDecoder<Conflict> DECODER = Conflict.createDecoder(previousVersions());

    private ConflictFeed() {
    }

    public static String key(ConflictPair pair) {
        WALEntry w = pair.winner().entry();
        String loser = pair.loser() == null ? "" : pair.loser().id();
        return w.getTenantId() + "/" + w.getResourceType() + "/" + w.getResourceId() + "/" + loser + "/" + pair.winner().id();
    }

    /** Two concurrent writes. */
    public static byte[] value(ConflictPair pair) {
        return encode(pair, ConflictReason.concurrent, null);
    }

    /** A pair of which {@code leftover} (one of the two) is an old primary's leftover. */
    public static byte[] leftover(ConflictPair pair, Version leftover) {
        return encode(pair, ConflictReason.failover_leftover, leftover.id());
    }

    private static byte[] encode(ConflictPair pair, ConflictReason reason, String leftoverId) {
        WALEntry w = pair.winner().entry();
        Conflict c = Conflict.newBuilder()
                .setTenantId(w.getTenantId())
                .setResourceType(w.getResourceType())
                .setResourceId(w.getResourceId())
                .setStrategy(pair.strategy())
                .setWinnerId(pair.winner().id())
                .setLoserId(pair.loser() == null ? null : pair.loser().id())
                .setWinner(ByteBuffer.wrap(pair.winner().encoded()))
                .setLoser(pair.loser() == null ? null : ByteBuffer.wrap(pair.loser().encoded()))
                .setReason(reason)
                .setLeftoverId(leftoverId)
                .build();
        try {
            return ENCODER.encode(c).array();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode the conflict of " + key(pair), e);
        }
    }

    public static Conflict decode(byte[] value) throws IOException {
        return DECODER.decode(value);
    }

    private static SchemaStore previousVersions() {
        SchemaStore.Cache store = new SchemaStore.Cache();
        try (InputStream in = ConflictFeed.class.getResourceAsStream("/dev/maia/schemas/avro-history/Conflict-v1.avsc")) {
            if (in == null) {
                throw new IllegalStateException("schema history Conflict-v1.avsc is missing from the schemas jar");
            }
            store.addSchema(new Schema.Parser().parse(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return store;
    }
}
