package dev.maia.cli;

import dev.maia.apply.ApplyConfig;
import dev.maia.cli.server.ApiKeyring;
import dev.maia.cli.server.HttpLimits;
import dev.maia.cli.server.HttpTls;
import dev.maia.control.config.ManagementKeys;
import dev.maia.control.config.ServiceConfig;
import dev.maia.control.config.Validators;
import dev.maia.producer.WriteConfig;
import dev.maia.schemas.wal.crypt.WalKeyring;
import dev.maia.schemas.topology.KafkaSecurity;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.apache.kafka.common.config.types.Password;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The configuration of one region's process ({@code maia serve}): the keys of its write service
 * ({@link WriteConfig}), its apply service ({@link ApplyConfig}) and its own (HTTP, keys, registry), as
 * one YAML file ({@link ConfigYaml}) and {@code MAIA_<KEY>} environment overrides
 * ({@link EnvironmentOverrides}). Everything is validated at start, each error naming its key; the
 * reference is docs/configuration.md, rendered from these declarations. API keys are configured as
 * SHA-256 hashes only.
 */
public final class RegionConfig extends ServiceConfig {
    private static final Logger log = LoggerFactory.getLogger(RegionConfig.class);
    public static final String HTTP_HOST = "http_host";
    public static final String HTTP_PORT = "http_port";
    public static final String SCHEMA_REGISTRY_URL = "schema_registry_url";
    public static final String WAL_KEYRING_FILE = "wal_keyring_file";
    public static final String ADMIN_KEY_SHA256 = "admin_key_sha256";
    public static final String TENANT_KEYS_SHA256 = "tenant_keys_sha256";
    public static final String HTTP_ROUTE_THREADS = "http_route_threads";
    public static final String HTTP_ROUTE_QUEUE = "http_route_queue";
    public static final String HTTP_IDLE_TIMEOUT_MS = "http_idle_timeout_ms";
    public static final String HTTP_REQUEST_TIMEOUT_MS = "http_request_timeout_ms";
    public static final String HTTP_MAX_HEADER_BYTES = "http_max_header_bytes";
    public static final String HTTP_TLS_KEYSTORE = "http_tls_keystore";
    public static final String HTTP_TLS_KEYSTORE_PASSWORD = "http_tls_keystore_password";

    /** The keys only the region process reads: its HTTP endpoint, its API keys, the codec both services use. */
    static final ConfigDef PROCESS_DEF = new ConfigDef()
            .define(HTTP_HOST, Type.STRING, "127.0.0.1", Validators.nonBlank(), Importance.HIGH,
                    "Address the HTTP API (writes, reads, /admin, and /metrics with a key, /health) listens on.")
            .define(HTTP_PORT, Type.INT, 8080, Validators.between(0, 65535), Importance.HIGH,
                    "Port of the HTTP API; 0 takes a free one.")
            .define(SCHEMA_REGISTRY_URL, Type.STRING, null, Validators.nonBlank(), Importance.MEDIUM,
                    "Apicurio registry of the WAL entries' schemas, the same for every region; "
                            + "unset: Avro single-object encoding, no registry.")
            .define(WAL_KEYRING_FILE, Type.STRING, null, Validators.nonBlank(), Importance.HIGH,
                    "Keyring of the WAL's data keys (properties: key.<id> = base64 of 32 bytes or env:VARIABLE, "
                            + "tenant.<tenant> = <id>, default = <id>; docs/security.md). Set: this region encrypts the content "
                            + "of every entry it writes (AES-256-GCM under the tenant's key; a tenant without one cannot write) "
                            + "and decrypts what it applies. Unset: entries are written in plaintext.")
            .define(ADMIN_KEY_SHA256, Type.STRING, null, null, Importance.HIGH,
                    "SHA-256 (64 lower-case hex) of the admin API key, which authorises /admin; unset: no admin access.")
            .define(TENANT_KEYS_SHA256, Type.LIST, List.of(), null, Importance.HIGH,
                    "Per-tenant API keys as SHA-256 (64 lower-case hex): in YAML a map tenant: sha256, "
                            + "in the environment tenant:sha256,...")
            .define(HTTP_ROUTE_THREADS, Type.INT, 128, Validators.between(1, 4096), Importance.MEDIUM,
                    "Threads that run the API's routes, apart from the server's own; a route may wait on Kafka's "
                            + "acknowledgement, replicas, a position (reads with X-MAIA-Min-Position): at most this many wait at once.")
            .define(HTTP_ROUTE_QUEUE, Type.INT, 1024, Validators.between(0, 1_000_000), Importance.MEDIUM,
                    "Requests that may wait for a route thread; beyond them the API answers 503 OVERLOADED with "
                            + "Retry-After: 1 at once. /health and /metrics never queue.")
            .define(HTTP_IDLE_TIMEOUT_MS, Type.LONG, 30_000L, Validators.between(100, 3_600_000), Importance.LOW,
                    "A keep-alive connection with nothing to read or write for this long is closed.")
            .define(HTTP_REQUEST_TIMEOUT_MS, Type.LONG, 10_000L, Validators.between(100, 3_600_000), Importance.LOW,
                    "A request whose line and headers have not all arrived this long after its first byte is answered "
                            + "408 REQUEST_TIMEOUT and its connection closed (a client trickling header bytes).")
            .define(HTTP_MAX_HEADER_BYTES, Type.INT, 16 * 1024, Validators.between(1024, 1024 * 1024), Importance.LOW,
                    "Request line and headers together, in bytes: a longer URI is answered 414 URI_TOO_LONG, "
                            + "longer headers 431 HEADERS_TOO_LARGE.")
            .define(HTTP_TLS_KEYSTORE, Type.STRING, null, Validators.nonBlank(), Importance.HIGH,
                    "Key store (PKCS12 or JKS) with the private key and certificate chain of the HTTP listeners (the API "
                            + "and the management listener): set, they speak HTTPS only. Unset: plain HTTP (docs/security.md).")
            .define(HTTP_TLS_KEYSTORE_PASSWORD, Type.PASSWORD, null, null, Importance.HIGH,
                    "Password of " + HTTP_TLS_KEYSTORE + " and of its key; required with it. Never logged.");

    /** Every key of a region's file: those every service shares, the write path's, the apply path's, the process's. */
    public static final ConfigDef CONFIG_DEF = ServiceConfig.combine(ServiceConfig.CONFIG_DEF, WriteConfig.CONFIG_DEF,
            ApplyConfig.CONFIG_DEF, PROCESS_DEF, ManagementKeys.CONFIG_DEF);

    /**
     * Store size of the regions that run on one machine (demo, bench, tests): Chronicle preallocates its
     * file for this many entries, and three regions share one disk.
     */
    static final long LOCAL_STORE_MAX_ENTRIES = 300_000;
    static final long LOCAL_WAL_TRUNCATE_INTERVAL_MS = 5_000;
    static final long LOCAL_WAL_COMPACTION_MARGIN_MS = 2_000;

    private final WriteConfig write;
    private final ApplyConfig apply;
    private final ApiKeyring keyring;
    private final ManagementKeys.Listener management;
    private final Optional<WalKeyring> walKeyring;
    private final Optional<HttpTls> httpTls;

    private RegionConfig(Map<String, ?> values, boolean logValues) {
        super(CONFIG_DEF, values, logValues);
        this.write = new WriteConfig(valuesOf(WriteConfig.CONFIG_DEF));
        this.apply = new ApplyConfig(valuesOf(ApplyConfig.CONFIG_DEF));
        this.management = ManagementKeys.listener(this);
        this.keyring = new ApiKeyring(tenantKeys(), getString(ADMIN_KEY_SHA256))
                .withMetricsKey(management.metricsKey().map(ApiKeyring::hash).orElse(null));
        this.walKeyring = Optional.ofNullable(getString(WAL_KEYRING_FILE)).map(RegionConfig::loadWalKeyring);
        this.httpTls = tls();
    }

    /** Read once at start, so that a broken keyring stops the region before it writes anything. */
    private static WalKeyring loadWalKeyring(String file) {
        WalKeyring keyring;
        try {
            keyring = WalKeyring.load(Path.of(file), System.getenv());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(WAL_KEYRING_FILE + ": " + e.getMessage());
        }
        // Warned, not refused: a secret mounted read-only for everyone in a container is a common, deliberate setup.
        try {
            Set<PosixFilePermission> open = Files.getPosixFilePermissions(Path.of(file));
            open.retainAll(Set.of(PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ));
            if (!open.isEmpty()) {
                log.warn("{}: {} is readable by group or others ({}); 0600 keeps the WAL's keys to this process's user",
                        WAL_KEYRING_FILE, file, open);
            }
        } catch (IOException | UnsupportedOperationException e) {
            // Not a POSIX file system: nothing to check.
        }
        return keyring;
    }

    /** Both TLS keys or neither, and a key store that opens with the password and holds a key. */
    private Optional<HttpTls> tls() {
        String keystore = getString(HTTP_TLS_KEYSTORE);
        Password password = getPassword(HTTP_TLS_KEYSTORE_PASSWORD);
        if (keystore == null) {
            if (password != null) {
                throw new ConfigException(HTTP_TLS_KEYSTORE_PASSWORD + ": set without " + HTTP_TLS_KEYSTORE);
            }
            return Optional.empty();
        }
        if (password == null) {
            throw new ConfigException(HTTP_TLS_KEYSTORE_PASSWORD + ": required with " + HTTP_TLS_KEYSTORE);
        }
        HttpTls tls = new HttpTls(Path.of(keystore), password.value());
        try {
            tls.check();
        } catch (IllegalArgumentException e) {
            throw new ConfigException(HTTP_TLS_KEYSTORE + ": " + e.getMessage());
        }
        return Optional.of(tls);
    }

    /** A region's file, then the environment's {@code MAIA_<KEY>} variables over it. */
    public static RegionConfig load(Path file, Map<String, String> env) {
        return new RegionConfig(EnvironmentOverrides.over(ConfigYaml.read(file), CONFIG_DEF, env), true);
    }

    /**
     * A region on loopback with the given keys (plaintext in, only hashes kept), sized for one machine,
     * reaching Kafka with {@code security} (the harness's: PLAINTEXT only if it says so).
     */
    public static RegionConfig of(String region, String bootstrapServers, KafkaSecurity security, int httpPort, Path workDir,
                                  String adminKey, Map<String, String> tenantKeys) {
        Map<String, Object> values = new HashMap<>(kafkaSecurityValues(security));
        values.put(REGION, region);
        values.put(BOOTSTRAP_SERVERS, bootstrapServers);
        values.put(HTTP_HOST, "127.0.0.1");
        values.put(HTTP_PORT, httpPort);
        // A management listener on a free loopback port, as a deployment would run one (Prometheus scrapes it).
        values.put(ManagementKeys.MANAGEMENT_PORT, 0);
        values.put(ApplyConfig.WORK_DIR, workDir.toString());
        values.put(ApplyConfig.STORE_MAX_ENTRIES, LOCAL_STORE_MAX_ENTRIES);
        // One clock for the brokers and the truncator, and short runs: rounds every few seconds, a small margin.
        values.put(ApplyConfig.WAL_TRUNCATE_INTERVAL_MS, LOCAL_WAL_TRUNCATE_INTERVAL_MS);
        values.put(ApplyConfig.WAL_COMPACTION_MARGIN_MS, LOCAL_WAL_COMPACTION_MARGIN_MS);
        // One broker per local cluster.
        values.put(WAL_REPLICATION_FACTOR, 1);
        values.put(WAL_MIN_INSYNC_REPLICAS, 1);
        // Apply's Streams settings (apply_*) from MAIA_APPLY_... variables, so that bench and demo regions can be
        // measured with other settings without a file (docs/benchmarks.md, issue 14).
        EnvironmentOverrides.of(ApplyConfig.CONFIG_DEF, System.getenv()).forEach((key, value) -> {
            if (key.startsWith("apply_")) {
                values.put(key, value);
            }
        });
        if (adminKey != null) {
            values.put(ADMIN_KEY_SHA256, ApiKeyring.hash(adminKey));
        }
        values.put(TENANT_KEYS_SHA256, new TreeMap<>(tenantKeys).entrySet().stream()
                .map(e -> e.getKey() + ":" + ApiKeyring.hash(e.getValue())).toList());
        return new RegionConfig(values, false);
    }

    /** The same region with some keys set otherwise. */
    public RegionConfig with(Map<String, ?> changes) {
        Map<String, Object> values = new HashMap<>(originals());
        values.putAll(changes);
        return new RegionConfig(values, false);
    }

    /** The same region, degrading instead of failing when replicas are slow (sync modes). */
    public RegionConfig withOnSyncTimeout(String value, long timeoutMs) {
        return with(Map.of(WriteConfig.ON_SYNC_TIMEOUT, value, WriteConfig.SYNC_TIMEOUT_MS, timeoutMs));
    }

    private Map<String, Object> valuesOf(ConfigDef definition) {
        Map<String, Object> values = new HashMap<>(originals());
        values.keySet().retainAll(definition.names());
        return values;
    }

    private Map<String, String> tenantKeys() {
        Map<String, String> hashes = new TreeMap<>();
        for (String entry : getList(TENANT_KEYS_SHA256)) {
            int colon = entry.indexOf(':');
            if (colon < 1) {
                throw new ConfigException(TENANT_KEYS_SHA256 + ": entries are tenant:sha256, got '" + entry + "'");
            }
            String tenant = entry.substring(0, colon);
            if (hashes.put(tenant, entry.substring(colon + 1)) != null) {
                throw new ConfigException(TENANT_KEYS_SHA256 + "." + tenant + ": configured twice");
            }
        }
        return hashes;
    }

    public String host() {
        return getString(HTTP_HOST);
    }

    public int port() {
        return getInt(HTTP_PORT);
    }

    public String schemaRegistryUrl() {
        return getString(SCHEMA_REGISTRY_URL);
    }

    /** The management listener ({@code /metrics}, {@code /health}); its port is empty when there is none. */
    public ManagementKeys.Listener management() {
        return management;
    }

    /** The API listener's limits; the body limit is the API's own (not a key). */
    public HttpLimits httpLimits(int maxBodyBytes) {
        return new HttpLimits(getInt(HTTP_ROUTE_THREADS), getInt(HTTP_ROUTE_QUEUE), getLong(HTTP_IDLE_TIMEOUT_MS),
                getLong(HTTP_REQUEST_TIMEOUT_MS), getInt(HTTP_MAX_HEADER_BYTES), maxBodyBytes);
    }

    /** The WAL's data keys; empty when the WAL is not encrypted. */
    public Optional<WalKeyring> walKeyring() {
        return walKeyring;
    }

    /** The HTTP listeners' TLS; empty: plain HTTP. */
    public Optional<HttpTls> httpTls() {
        return httpTls;
    }

    public ApiKeyring keyring() {
        return keyring;
    }

    public WriteConfig writeConfig() {
        return write;
    }

    public ApplyConfig applyConfig() {
        return apply;
    }
}
