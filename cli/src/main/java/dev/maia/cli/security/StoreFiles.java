package dev.maia.cli.security;

import java.nio.file.Path;

/**
 * The layout {@code maia certs} writes and {@code maia acls --certs} reads: {@code ca.p12} (the CA's
 * certificate, the truststore of every party) and, per principal, {@code <principal>.p12} (its key and
 * certificate); next to each store a {@code .password} file with its password.
 */
final class StoreFiles {
    static final String CA = "ca";

    private StoreFiles() {
    }

    static Path store(Path dir, String name) {
        return dir.resolve(name + ".p12");
    }

    static Path password(Path dir, String name) {
        return dir.resolve(name + ".password");
    }
}
