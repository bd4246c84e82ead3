package dev.maia.apply;

import dev.maia.apply.store.StoreConfig;

import java.nio.file.Path;

/**
 * Everything the apply service of one region needs. Built by the process that runs it (from the
 * region's YAML and environment) and validated here, naming the bad key.
 */
public record ApplyConfig(
        String region,
        String bootstrapServers,
        Path stateDir,
        StoreConfig store,
        long commitIntervalMs,
        int streamThreads,
        long readWaitMs,
        boolean redirectReadsOnTimeout) {

    public ApplyConfig {
        require(region != null && region.matches("[a-z0-9-]+"), "region: must match [a-z0-9-]+, got '" + region + "'");
        require(bootstrapServers != null && !bootstrapServers.isBlank(), "kafka.bootstrap_servers: missing");
        require(stateDir != null, "apply.state_dir: missing");
        require(store != null, "apply.store: missing");
        require(commitIntervalMs > 0, "apply.commit_interval_ms: must be > 0, got " + commitIntervalMs);
        require(streamThreads > 0, "apply.stream_threads: must be > 0, got " + streamThreads);
        require(readWaitMs >= 0, "read_wait_ms: must be >= 0, got " + readWaitMs);
    }

    /** Defaults for one region whose files live under {@code workDir}. */
    public static ApplyConfig defaults(String region, String bootstrapServers, Path workDir) {
        return new ApplyConfig(region, bootstrapServers, workDir.resolve("streams"),
                StoreConfig.defaults(workDir.resolve("store")), 100, 1, 5_000, false);
    }

    public String applicationId() {
        return "maia-apply-" + region;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
