package dev.maia.cli.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Collections;

/**
 * TLS of an HTTP listener: the key store (PKCS12 or JKS) with the listener's private key and certificate
 * chain, and its password. Checked when configured ({@link #check}), so a wrong path or password stops the
 * process at start with the key to fix, not at the first client's handshake.
 *
 * @param keystore the key store file
 * @param password its password (also the key's)
 */
public record HttpTls(Path keystore, String password) {
    public HttpTls {
        if (keystore == null || password == null) {
            throw new IllegalArgumentException("a TLS listener needs a key store and its password");
        }
    }

    @Override
    public String toString() {
        return "HttpTls[keystore=" + keystore + "]"; // never the password
    }

    /**
     * Loads the key store; the message of a failure names what is wrong (the caller prefixes the key).
     *
     * @throws IllegalArgumentException if it cannot be read, the password does not open it, or it holds no private key
     */
    public void check() {
        if (!Files.isReadable(keystore)) {
            throw new IllegalArgumentException("cannot read " + keystore);
        }
        KeyStore store;
        try {
            store = KeyStore.getInstance(keystore.toFile(), password.toCharArray());
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot open " + keystore + " with the password given: " + e.getMessage(), e);
        }
        try {
            boolean hasKey = false;
            for (String alias : Collections.list(store.aliases())) {
                hasKey |= store.isKeyEntry(alias);
            }
            if (!hasKey) {
                throw new IllegalArgumentException(keystore + " holds no private key");
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read " + keystore + ": " + e.getMessage(), e);
        }
    }
}
