package dev.maia.cli.server;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Key stores for tests, made by the JDK's keytool: never committed, never reused across runs. */
public final class TestKeyStores {
    private TestKeyStores() {
    }

    /** A PKCS12 key store with one self-signed EC key for localhost and 127.0.0.1, valid two days. */
    public static Path selfSigned(Path file, String password) throws Exception {
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "maia", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-storetype", "PKCS12",
                "-keystore", file.toString(), "-storepass", password, "-keypass", password)
                .redirectErrorStream(true).start();
        String out = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (keytool.waitFor() != 0) {
            throw new IllegalStateException("keytool failed: " + out);
        }
        return file;
    }
}
