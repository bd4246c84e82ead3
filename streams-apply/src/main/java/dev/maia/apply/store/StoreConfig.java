package dev.maia.apply.store;

import java.nio.file.Path;

/**
 * Sizing of the Chronicle Map files, as the store sees it; the keys behind it ({@code store_*}) are
 * declared and validated in {@code ApplyConfig}. Chronicle preallocates for {@code maxEntries} and refuses
 * values far above {@code averageValueBytes}, and a reopened file keeps the sizing it was created with.
 */
public record StoreConfig(Path directory, long maxEntries, int averageValueBytes, long maxPositions) {
}
