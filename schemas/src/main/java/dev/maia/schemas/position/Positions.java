package dev.maia.schemas.position;

import dev.maia.schemas.avro.Position;
import dev.maia.schemas.wal.AvroClasses;
import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.SchemaStore;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Applied positions as they travel in the compacted {@code maia.positions}: one record per (applying
 * region, origin region, tenant, partition), keyed {@code region/origin/tenant/partition}, the last one
 * wins. Each region writes its own into its local topic; MirrorMaker carries them to every other region.
 */
public final class Positions {
    static {
        AvroClasses.trust();
    }

    /**
     * How many dead-lettered offsets a position lists per partition, the newest. A sync write waits seconds
     * for its acknowledgement: only that many entries dead-lettered in one partition meanwhile would push its
     * own out of the list (docs/security-poison.md).
     */
    public static final int DEAD_LETTERED_KEPT = 256;

    private static final BinaryMessageEncoder<Position> ENCODER = Position.getEncoder();
    /** Also reads the positions published before {@code dead_lettered} existed (a rolling upgrade, the compacted topic). */
    private static final BinaryMessageDecoder<Position> DECODER = Position.createDecoder(previousVersions());

    private Positions() {
    }

    public static String key(Position p) {
        return key(p.getRegion(), new PositionKey(p.getOriginRegion(), p.getTenantId(), p.getPartition()));
    }

    /** The record key of what {@code region} applied of one partition: {@code region/origin/tenant/partition}. */
    public static String key(String region, PositionKey partition) {
        return region + "/" + partition;
    }

    public static byte[] encode(Position p) {
        try {
            return ENCODER.encode(p).array();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Position decode(byte[] bytes) throws IOException {
        return DECODER.decode(bytes);
    }

    private static SchemaStore previousVersions() {
        SchemaStore.Cache store = new SchemaStore.Cache();
        try (InputStream in = Positions.class.getResourceAsStream("/dev/maia/schemas/avro-history/Position-v1.avsc")) {
            if (in == null) {
                throw new IllegalStateException("schema history Position-v1.avsc is missing from the jar");
            }
            store.addSchema(new Schema.Parser().parse(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return store;
    }
}
