package dev.maia.schemas.wal;

import dev.maia.schemas.avro.ConflictStrategy;
import dev.maia.schemas.avro.Memory;
import dev.maia.schemas.avro.Namespace;
import org.apache.avro.Schema;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The earlier versions of {@code WALEntry} that writers have used. The registry-less codec resolves a
 * writer's schema by fingerprint, so without these an upgraded reader would dead-letter every entry
 * written before the upgrade (they are still in the logs and the mirrored copies).
 */
public final class WalSchemaHistory {
    private static final List<String> VERSIONS = List.of("WALEntry-v1.avsc", "WALEntry-v2.avsc");

    private WalSchemaHistory() {
    }

    public static List<Schema> previous() {
        List<Schema> out = new ArrayList<>();
        for (String file : VERSIONS) {
            try (InputStream in = WalSchemaHistory.class.getResourceAsStream("/dev/maia/schemas/avro-history/" + file)) {
                if (in == null) {
                    throw new IllegalStateException("schema history " + file + " is missing from the jar");
                }
                // The nested types did not change: parse against the current Memory, Namespace and ConflictStrategy.
                Schema.Parser parser = new Schema.Parser();
                parser.addTypes(List.of(Memory.SCHEMA$, Namespace.SCHEMA$, ConflictStrategy.SCHEMA$));
                out.add(parser.parse(in));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }
}
