package dev.maia.schemas.tenant;

import dev.maia.schemas.avro.ApiKey;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;

/** API keys: how they are made, hashed (only the hash is ever kept) and judged. */
public final class ApiKeys {
    private static final SecureRandom RANDOM = new SecureRandom();
    /** How many characters of a raw key are kept to recognise it by: "mk_" and five of its random ones. */
    public static final int PREFIX_LENGTH = 8;

    private ApiKeys() {
    }

    /** A new random key: 32 bytes, URL-safe base64, after {@code mk_}. */
    public static String newKey() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return "mk_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public static String sha256(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    public static boolean isSha256(String s) {
        return s != null && s.matches("[0-9a-f]{64}");
    }

    /** Compares two hashes in time independent of where they differ. */
    public static boolean sameHash(String a, String b) {
        return a != null && b != null
                && MessageDigest.isEqual(a.getBytes(StandardCharsets.US_ASCII), b.getBytes(StandardCharsets.US_ASCII));
    }

    /** Whether an issued key authenticates at {@code now}: not revoked, not expired. */
    public static boolean usable(ApiKey key, Instant now) {
        return key.getRevokedAt() == null && (key.getExpiresAt() == null || now.isBefore(key.getExpiresAt()));
    }
}
