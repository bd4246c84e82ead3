package dev.maia.cli.server;

import dev.maia.control.tenant.TenantDirectory;
import dev.maia.schemas.avro.ApiKey;
import dev.maia.schemas.avro.Tenant;
import dev.maia.schemas.avro.TenantStatus;
import dev.maia.schemas.tenant.ApiKeys;
import dev.maia.schemas.wal.WalTopics;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Who a presented API key belongs to. Only SHA-256 hashes of keys are held: the file's keys
 * ({@code tenant_keys_sha256}, for bootstrap) and the keys issued through the admin API, which every
 * region reads from the control log ({@link TenantDirectory}); so a configuration file, the log or a heap
 * dump does not give keys away. An issued key that is revoked or expired, and any key of a deleted tenant,
 * authenticates no one; a suspended tenant's key authenticates it as suspended.
 */
public final class ApiKeyring {
    /** The holder of a valid key: one tenant (maybe suspended), or the operator (admin). */
    public record Principal(String tenant, boolean admin, boolean suspended) {
    }

    private final Map<String, String> tenantByHash;
    private final String adminHash;
    private final TenantDirectory directory;
    /** SHA-256 of the metrics key ({@code metrics_key}), which reads /metrics and nothing else; null: none. */
    private final String metricsHash;

    /**
     * @param tenantKeyHashes tenant id to the SHA-256 (hex) of its key
     * @param adminKeyHash    SHA-256 (hex) of the admin key, or null for no admin access
     */
    public ApiKeyring(Map<String, String> tenantKeyHashes, String adminKeyHash) {
        HashMap<String, String> byHash = new HashMap<>();
        tenantKeyHashes.forEach((tenant, hash) -> {
            if (!WalTopics.isValidTenantId(tenant)) {
                throw new IllegalArgumentException("tenant_keys_sha256: '" + tenant + "' is not a valid tenant id ([a-zA-Z0-9_-]{1,64})");
            }
            String h = requireHash("tenant_keys_sha256." + tenant, hash);
            if (byHash.put(h, tenant) != null) {
                throw new IllegalArgumentException("tenant_keys_sha256." + tenant + ": the same key is configured for two tenants");
            }
        });
        this.tenantByHash = Map.copyOf(byHash);
        this.adminHash = adminKeyHash == null ? null : requireHash("admin_key_sha256", adminKeyHash);
        this.directory = TenantDirectory.NONE;
        this.metricsHash = null;
    }

    private ApiKeyring(Map<String, String> tenantByHash, String adminHash, TenantDirectory directory, String metricsHash) {
        this.tenantByHash = tenantByHash;
        this.adminHash = adminHash;
        this.directory = directory;
        this.metricsHash = metricsHash;
    }

    /** Only the metrics key: what a management listener knows (no tenant, no admin). */
    public static ApiKeyring metricsOnly(String metricsKeyHash) {
        return new ApiKeyring(Map.of(), null).withMetricsKey(metricsKeyHash);
    }

    /** The same file keys, plus the tenants and keys of the control log. */
    public ApiKeyring withDirectory(TenantDirectory tenants) {
        return new ApiKeyring(tenantByHash, adminHash, tenants, metricsHash);
    }

    /** The same keys, plus the metrics key given by its SHA-256 (null: none). */
    public ApiKeyring withMetricsKey(String metricsKeyHash) {
        return new ApiKeyring(tenantByHash, adminHash, directory,
                metricsKeyHash == null ? null : requireHash("metrics_key", metricsKeyHash));
    }

    /** Whether a metrics key is configured: without one, a management listener's /metrics asks for none. */
    public boolean hasMetricsKey() {
        return metricsHash != null;
    }

    /** Whether the presented key is the metrics key. */
    public boolean isMetricsKey(String presentedKey) {
        return metricsHash != null && presentedKey != null && !presentedKey.isEmpty()
                && ApiKeys.sameHash(hash(presentedKey), metricsHash);
    }

    /** The tenants the file names (they stay usable, and are listed as {@code source: config}). */
    public Set<String> configuredTenants() {
        return Set.copyOf(tenantByHash.values());
    }

    public Optional<Principal> authenticate(String presentedKey) {
        if (presentedKey == null || presentedKey.isEmpty()) {
            return Optional.empty();
        }
        String h = hash(presentedKey);
        if (adminHash != null && ApiKeys.sameHash(h, adminHash)) {
            return Optional.of(new Principal(null, true, false));
        }
        String tenant = tenantByHash.get(h);
        if (tenant == null) {
            Optional<ApiKey> issued = directory.apiKey(h);
            if (issued.isEmpty() || !ApiKeys.sameHash(h, issued.get().getKeySha256())
                    || !ApiKeys.usable(issued.get(), Instant.now())) {
                return Optional.empty();
            }
            tenant = issued.get().getTenantId();
        }
        TenantStatus status = directory.tenant(tenant).map(Tenant::getStatus).orElse(TenantStatus.active);
        if (status == TenantStatus.deleted) {
            return Optional.empty();
        }
        return Optional.of(new Principal(tenant, false, status == TenantStatus.suspended));
    }

    public static String hash(String key) {
        return ApiKeys.sha256(key);
    }

    /** A new random key: 32 bytes, URL-safe base64. */
    public static String newKey() {
        return ApiKeys.newKey();
    }

    private static String requireHash(String key, String value) {
        if (!ApiKeys.isSha256(value)) {
            throw new IllegalArgumentException(key + ": must be a SHA-256 hex digest (64 lower-case hex characters)");
        }
        return value;
    }
}
