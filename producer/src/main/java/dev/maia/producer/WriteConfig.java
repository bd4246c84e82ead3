package dev.maia.producer;

/**
 * Everything the write path of one region needs, validated at construction with messages that name
 * the bad key.
 */
public record WriteConfig(
        String region,
        String bootstrapServers,
        int walPartitions,
        short walReplicationFactor,
        WriteLimits limits,
        long maxClockSkewMs) {

    public WriteConfig {
        require(region != null && region.matches("[a-z0-9-]+"), "region: must match [a-z0-9-]+, got '" + region + "'");
        require(bootstrapServers != null && !bootstrapServers.isBlank(), "kafka.bootstrap_servers: missing");
        require(walPartitions >= 1, "wal.partitions: must be >= 1, got " + walPartitions);
        require(walReplicationFactor >= 1, "wal.replication_factor: must be >= 1, got " + walReplicationFactor);
        require(limits != null, "limits: missing");
        require(maxClockSkewMs > 0, "max_clock_skew_ms: must be > 0, got " + maxClockSkewMs);
    }

    public static final long DEFAULT_MAX_CLOCK_SKEW_MS = 10_000;

    public static WriteConfig defaults(String region, String bootstrapServers) {
        return new WriteConfig(region, bootstrapServers, 3, (short) 1, WriteLimits.DEFAULTS, DEFAULT_MAX_CLOCK_SKEW_MS);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
