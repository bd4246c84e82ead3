package dev.maia.cli;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.maia.apply.ApplyConfig;
import dev.maia.apply.store.StoreConfig;
import dev.maia.producer.WriteConfig;
import dev.maia.producer.WriteLimits;
import dev.maia.schemas.avro.SyncMode;
import dev.maia.cli.server.ApiKeyring;
import dev.maia.schemas.placement.Placements;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The configuration of one region's process ({@code maia serve}): a YAML file, then environment
 * overrides ({@code MAIA_REGION}, {@code MAIA_BOOTSTRAP_SERVERS}, {@code MAIA_HTTP_PORT},
 * {@code MAIA_WORK_DIR}, {@code MAIA_ADMIN_KEY_SHA256}), validated at start with messages that name
 * the bad key. API keys are configured as SHA-256 hashes only.
 */
public record RegionConfig(
        @JsonProperty("region") String region,
        @JsonProperty("bootstrap_servers") String bootstrapServers,
        @JsonProperty("http_host") String httpHost,
        @JsonProperty("http_port") Integer httpPort,
        @JsonProperty("work_dir") String workDir,
        @JsonProperty("wal_partitions") Integer walPartitions,
        @JsonProperty("store_max_entries") Long storeMaxEntries,
        @JsonProperty("store_average_value_bytes") Integer storeAverageValueBytes,
        @JsonProperty("admin_key_sha256") String adminKeySha256,
        @JsonProperty("tenant_keys_sha256") Map<String, String> tenantKeysSha256,
        @JsonProperty("schema_registry_url") String schemaRegistryUrl,
        @JsonProperty("sync_mode") String syncMode,
        @JsonProperty("sync_timeout_ms") Long syncTimeoutMs,
        @JsonProperty("on_sync_timeout") String onSyncTimeout,
        @JsonProperty("read_wait_ms") Long readWaitMs,
        @JsonProperty("on_read_timeout") String onReadTimeout) {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /**
     * Store size of the regions that run on one machine (demo, bench, tests): Chronicle preallocates its
     * file for this many entries, and three regions share one disk.
     */
    static final long LOCAL_STORE_MAX_ENTRIES = 300_000;

    /** A region on loopback with the given keys (plaintext in, only hashes kept). */
    public static RegionConfig of(String region, String bootstrapServers, int httpPort, Path workDir,
                                  String adminKey, Map<String, String> tenantKeys) {
        Map<String, String> hashes = new java.util.TreeMap<>();
        tenantKeys.forEach((tenant, key) -> hashes.put(tenant, ApiKeyring.hash(key)));
        return new RegionConfig(region, bootstrapServers, "127.0.0.1", httpPort, workDir.toString(), null, LOCAL_STORE_MAX_ENTRIES, null,
                adminKey == null ? null : ApiKeyring.hash(adminKey), hashes, null, null, null, null, null, null);
    }

    public static RegionConfig load(Path file, Map<String, String> env) {
        RegionConfig c;
        try {
            c = YAML.readValue(file.toFile(), RegionConfig.class);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage().lines().findFirst().orElse(""), e);
        }
        return new RegionConfig(
                env.getOrDefault("MAIA_REGION", c.region),
                env.getOrDefault("MAIA_BOOTSTRAP_SERVERS", c.bootstrapServers),
                c.httpHost,
                env.containsKey("MAIA_HTTP_PORT") ? Integer.valueOf(parsePort(env.get("MAIA_HTTP_PORT"))) : c.httpPort,
                env.getOrDefault("MAIA_WORK_DIR", c.workDir),
                c.walPartitions, c.storeMaxEntries, c.storeAverageValueBytes,
                env.getOrDefault("MAIA_ADMIN_KEY_SHA256", c.adminKeySha256), c.tenantKeysSha256,
                env.getOrDefault("MAIA_SCHEMA_REGISTRY_URL", c.schemaRegistryUrl),
                env.getOrDefault("MAIA_SYNC_MODE", c.syncMode), c.syncTimeoutMs,
                env.getOrDefault("MAIA_ON_SYNC_TIMEOUT", c.onSyncTimeout), c.readWaitMs, c.onReadTimeout);
    }

    private static int parsePort(String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("MAIA_HTTP_PORT: not a port number: '" + value + "'");
        }
    }

    public String host() {
        return httpHost == null ? "127.0.0.1" : httpHost;
    }

    public int port() {
        int p = httpPort == null ? 8080 : httpPort;
        if (p < 0 || p > 65535) {
            throw new IllegalArgumentException("http_port: must be 0..65535, got " + p);
        }
        return p;
    }

    public Path workPath() {
        if (workDir == null || workDir.isBlank()) {
            throw new IllegalArgumentException("work_dir: missing");
        }
        return Path.of(workDir);
    }

    public WriteConfig writeConfig() {
        return new WriteConfig(region, bootstrapServers, walPartitions == null ? 3 : walPartitions, (short) 1,
                WriteLimits.DEFAULTS, WriteConfig.DEFAULT_MAX_CLOCK_SKEW_MS,
                syncMode == null ? SyncMode.async : parse("sync_mode", () -> Placements.parseSyncMode(syncMode)),
                syncTimeoutMs == null ? WriteConfig.DEFAULT_SYNC_TIMEOUT_MS : syncTimeoutMs,
                oneOf("on_sync_timeout", onSyncTimeout, "fail", "degrade").equals("degrade"));
    }

    /** How long a read with a position waits for it (read-your-writes). */
    public long readWait() {
        long wait = readWaitMs == null ? 5_000 : readWaitMs;
        if (wait < 0) {
            throw new IllegalArgumentException("read_wait_ms: must be >= 0, got " + wait);
        }
        return wait;
    }

    /** Whether a read that waited in vain is sent to the tenant's primary (else: 504). */
    public boolean redirectReadsOnTimeout() {
        return oneOf("on_read_timeout", onReadTimeout, "fail", "redirect").equals("redirect");
    }

    /** The same region, degrading instead of failing when replicas are slow (sync modes). */
    public RegionConfig withOnSyncTimeout(String value, long timeoutMs) {
        return new RegionConfig(region, bootstrapServers, httpHost, httpPort, workDir, walPartitions, storeMaxEntries,
                storeAverageValueBytes, adminKeySha256, tenantKeysSha256, schemaRegistryUrl, syncMode, timeoutMs, value,
                readWaitMs, onReadTimeout);
    }

    private static String oneOf(String key, String value, String byDefault, String other) {
        if (value == null || value.equals(byDefault)) {
            return byDefault;
        }
        if (value.equals(other)) {
            return other;
        }
        throw new IllegalArgumentException(key + ": must be " + byDefault + " or " + other + ", got '" + value + "'");
    }

    private static <T> T parse(String key, java.util.function.Supplier<T> parser) {
        try {
            return parser.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage().startsWith(key) ? e.getMessage() : key + ": " + e.getMessage(), e);
        }
    }

    public ApiKeyring keyring() {
        return new ApiKeyring(tenantKeysSha256 == null ? Map.of() : tenantKeysSha256, adminKeySha256);
    }

    public ApplyConfig applyConfig() {
        Path work = workPath();
        StoreConfig store = new StoreConfig(work.resolve("store"),
                storeMaxEntries == null ? StoreConfig.DEFAULT_MAX_ENTRIES : storeMaxEntries,
                storeAverageValueBytes == null ? StoreConfig.DEFAULT_AVERAGE_VALUE_BYTES : storeAverageValueBytes,
                StoreConfig.DEFAULT_MAX_POSITIONS);
        return new ApplyConfig(region, bootstrapServers, work.resolve("streams"), store, 100, 1, readWait(), redirectReadsOnTimeout());
    }
}
