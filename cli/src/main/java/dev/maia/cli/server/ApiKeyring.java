package dev.maia.cli.server;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import dev.maia.schemas.wal.WalTopics;
import java.util.HashMap;

/**
 * Who a presented API key belongs to. Only SHA-256 hashes of keys are held (and configured), so a
 * configuration file or heap dump does not give keys away.
 */
public final class ApiKeyring {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The holder of a valid key: one tenant, or the operator (admin). */
    public record Principal(String tenant, boolean admin) {
    }

    private final Map<String, String> tenantByHash;
    private final String adminHash;

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
    }

    public Optional<Principal> authenticate(String presentedKey) {
        if (presentedKey == null || presentedKey.isEmpty()) {
            return Optional.empty();
        }
        String h = hash(presentedKey);
        if (adminHash != null && MessageDigest.isEqual(h.getBytes(StandardCharsets.US_ASCII), adminHash.getBytes(StandardCharsets.US_ASCII))) {
            return Optional.of(new Principal(null, true));
        }
        return Optional.ofNullable(tenantByHash.get(h)).map(t -> new Principal(t, false));
    }

    public static String hash(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** A new random key: 32 bytes, URL-safe base64. */
    public static String newKey() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return "mk_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String requireHash(String key, String value) {
        if (value == null || !value.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException(key + ": must be a SHA-256 hex digest (64 lower-case hex characters)");
        }
        return value;
    }
}
