package dev.maia.schemas.position;

import dev.maia.schemas.avro.Position;
import dev.maia.schemas.wal.AvroClasses;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;

import java.io.IOException;
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

    private static final BinaryMessageEncoder<Position> ENCODER = Position.getEncoder();
    private static final BinaryMessageDecoder<Position> DECODER = Position.getDecoder();

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
}
