package dev.maia.producer;

import dev.maia.schemas.avro.SyncMode;

/**
 * Everything the write path of one region needs, validated at construction with messages that name
 * the bad key. {@code syncMode} is the deployment's; a tenant's placement may override it.
 */
public record WriteConfig(
        String region,
        String bootstrapServers,
        int walPartitions,
        short walReplicationFactor,
        WriteLimits limits,
        long maxClockSkewMs,
        SyncMode syncMode,
        long syncTimeoutMs,
        boolean degradeOnSyncTimeout) {

    public WriteConfig {
        require(region != null && region.matches("[a-z0-9-]+"), "region: must match [a-z0-9-]+, got '" + region + "'");
        require(bootstrapServers != null && !bootstrapServers.isBlank(), "kafka.bootstrap_servers: missing");
        require(walPartitions >= 1, "wal.partitions: must be >= 1, got " + walPartitions);
        require(walReplicationFactor >= 1, "wal.replication_factor: must be >= 1, got " + walReplicationFactor);
        require(limits != null, "limits: missing");
        require(maxClockSkewMs > 0, "max_clock_skew_ms: must be > 0, got " + maxClockSkewMs);
        require(syncMode != null, "sync_mode: missing");
        require(syncTimeoutMs > 0, "sync_timeout_ms: must be > 0, got " + syncTimeoutMs);
    }

    public static final long DEFAULT_MAX_CLOCK_SKEW_MS = 10_000;
    public static final long DEFAULT_SYNC_TIMEOUT_MS = 5_000;

    public static WriteConfig defaults(String region, String bootstrapServers) {
        return new WriteConfig(region, bootstrapServers, 3, (short) 1, WriteLimits.DEFAULTS, DEFAULT_MAX_CLOCK_SKEW_MS,
                SyncMode.async, DEFAULT_SYNC_TIMEOUT_MS, false);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
