package dev.maia.apply.store;

import java.nio.file.Path;

/**
 * Sizing of the Chronicle Map files, as the store sees it; the keys behind it ({@code store_*}) are
 * declared and validated in {@code ApplyConfig}. Chronicle preallocates for {@code maxEntries} and refuses
 * values far above {@code averageValueBytes}, and a reopened file keeps the sizing it was created with.
 * {@code tenantQuotaBytes} is how many bytes of stored entries one tenant may have: not part of the files'
 * sizing, so it may change at any restart.
 */
public record StoreConfig(Path directory, long maxEntries, int averageValueBytes, long maxPositions, long tenantQuotaBytes) {
    /** No tenant quota: one tenant may take the whole store. */
    public static final long UNLIMITED = Long.MAX_VALUE;

    public StoreConfig(Path directory, long maxEntries, int averageValueBytes, long maxPositions) {
        this(directory, maxEntries, averageValueBytes, maxPositions, UNLIMITED);
    }

    /** What the store nominally holds in bytes: what it was sized for, entries times their average size. */
    public long nominalBytes() {
        return maxEntries * averageValueBytes;
    }
}
