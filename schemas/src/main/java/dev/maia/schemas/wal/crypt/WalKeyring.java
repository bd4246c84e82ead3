package dev.maia.schemas.wal.crypt;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The data keys a region encrypts and decrypts its WAL entries with: AES-256 keys by id, and per tenant
 * the id of its current key (the one new writes use), with an optional default for tenants not named.
 * Every key stays usable for reading as long as it is here, whichever is current: that is rotation.
 *
 * <p>The file is a Java properties file (docs/security.md):
 * <pre>
 * key.k1 = &lt;base64 of 32 bytes&gt;
 * key.k2 = env:MAIA_WAL_KEY_K2      # the key material from an environment variable
 * tenant.acme = k2                  # acme's new entries under k2
 * default = k1                      # every other tenant's under k1; without it they cannot write
 * </pre>
 * Key material never leaves this class but as a {@link SecretKey} to the cipher; {@link #toString} names
 * ids only, and no error message quotes a value.
 */
public final class WalKeyring {
    public static final int KEY_BYTES = 32;
    static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final String KEY = "key.";
    private static final String TENANT = "tenant.";
    private static final String DEFAULT = "default";
    private static final String FROM_ENV = "env:";

    private final Map<String, SecretKey> keys;
    private final Map<String, String> tenantKeys;
    private final String defaultKeyId;

    private WalKeyring(Map<String, SecretKey> keys, Map<String, String> tenantKeys, String defaultKeyId) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("no keys (key.<id> = <base64 of " + KEY_BYTES + " bytes>)");
        }
        tenantKeys.forEach((tenant, id) -> requireKnown(keys, TENANT + tenant, id));
        if (defaultKeyId != null) {
            requireKnown(keys, DEFAULT, defaultKeyId);
        }
        this.keys = Map.copyOf(keys);
        this.tenantKeys = Map.copyOf(tenantKeys);
        this.defaultKeyId = defaultKeyId;
    }

    /**
     * A keyring from raw keys (tests, tools).
     *
     * @param defaultKeyId the key of tenants {@code tenantKeys} does not name; null: they have none
     */
    public static WalKeyring of(Map<String, byte[]> keys, Map<String, String> tenantKeys, String defaultKeyId) {
        Map<String, SecretKey> secret = new TreeMap<>();
        keys.forEach((id, bytes) -> secret.put(requireId(KEY + id, id), aesKey(KEY + id, bytes)));
        return new WalKeyring(secret, tenantKeys, defaultKeyId);
    }

    /**
     * Reads a keyring file; {@code env} resolves {@code env:NAME} values.
     *
     * @throws IllegalArgumentException naming the file and the property at fault, never a key's value
     */
    public static WalKeyring load(Path file, Map<String, String> env) {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": cannot read the keyring: " + e.getClass().getSimpleName(), e);
        }
        Map<String, SecretKey> keys = new TreeMap<>();
        Map<String, String> tenants = new TreeMap<>();
        String defaultKeyId = null;
        try {
            for (String name : p.stringPropertyNames()) {
                String value = p.getProperty(name).trim();
                if (name.startsWith(KEY)) {
                    String id = requireId(name, name.substring(KEY.length()));
                    keys.put(id, aesKey(name, decode(name, material(name, value, env))));
                } else if (name.startsWith(TENANT) && name.length() > TENANT.length()) {
                    tenants.put(name.substring(TENANT.length()), requireId(name, value));
                } else if (name.equals(DEFAULT)) {
                    defaultKeyId = requireId(name, value);
                } else {
                    throw new IllegalArgumentException(name + ": unknown property (key.<id>, tenant.<tenant>, default)");
                }
            }
            return new WalKeyring(keys, tenants, defaultKeyId);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage());
        }
    }

    /** The key new entries of the tenant are encrypted under: its own, else the default. */
    public Optional<String> currentKeyId(String tenantId) {
        return Optional.ofNullable(tenantKeys.getOrDefault(tenantId, defaultKeyId));
    }

    Optional<SecretKey> key(String keyId) {
        return Optional.ofNullable(keys.get(keyId));
    }

    public Set<String> keyIds() {
        return keys.keySet();
    }

    /** Ids only: a keyring may be logged. */
    @Override
    public String toString() {
        return "WalKeyring{keys=" + new TreeMap<>(keys).keySet() + ", tenants=" + tenantKeys.size()
                + ", default=" + defaultKeyId + "}";
    }

    private static String material(String name, String value, Map<String, String> env) {
        if (!value.startsWith(FROM_ENV)) {
            return value;
        }
        String variable = value.substring(FROM_ENV.length()).trim();
        String fromEnv = env.get(variable);
        if (fromEnv == null || fromEnv.isBlank()) {
            throw new IllegalArgumentException(name + ": environment variable " + variable + " is not set");
        }
        return fromEnv.trim();
    }

    private static byte[] decode(String name, String base64) {
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": not base64");
        }
    }

    private static SecretKey aesKey(String name, byte[] bytes) {
        if (bytes == null || bytes.length != KEY_BYTES) {
            throw new IllegalArgumentException(name + ": must be " + KEY_BYTES + " bytes (AES-256), got "
                    + (bytes == null ? 0 : bytes.length));
        }
        return new SecretKeySpec(bytes, "AES");
    }

    private static String requireId(String name, String id) {
        if (!KEY_ID.matcher(id).matches()) {
            throw new IllegalArgumentException(name + ": a key id must match " + KEY_ID + ", got '" + id + "'");
        }
        return id;
    }

    private static void requireKnown(Map<String, SecretKey> keys, String name, String id) {
        if (!keys.containsKey(id)) {
            throw new IllegalArgumentException(name + ": no key." + id + " in the keyring");
        }
    }
}
