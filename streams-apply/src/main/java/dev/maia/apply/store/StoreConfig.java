package dev.maia.apply.store;

import java.nio.file.Path;

/**
 * Sizing of the Chronicle Map files. Chronicle preallocates for {@code maxEntries} and refuses values
 * far above {@code averageValueBytes}, and a reopened file keeps the sizing it was created with.
 */
public record StoreConfig(Path directory, long maxEntries, int averageValueBytes, long maxPositions) {
    public static final long DEFAULT_MAX_ENTRIES = 1_000_000;
    public static final int DEFAULT_AVERAGE_VALUE_BYTES = 1024;
    public static final long DEFAULT_MAX_POSITIONS = 100_000;

    public StoreConfig {
        if (directory == null) {
            throw new IllegalArgumentException("apply.store.dir: missing");
        }
        if (maxEntries < 1) {
            throw new IllegalArgumentException("apply.store.max_entries: must be >= 1, got " + maxEntries);
        }
        if (averageValueBytes < 16) {
            throw new IllegalArgumentException("apply.store.average_value_bytes: must be >= 16, got " + averageValueBytes);
        }
    }

    public static StoreConfig defaults(Path directory) {
        return new StoreConfig(directory, DEFAULT_MAX_ENTRIES, DEFAULT_AVERAGE_VALUE_BYTES, DEFAULT_MAX_POSITIONS);
    }
}
