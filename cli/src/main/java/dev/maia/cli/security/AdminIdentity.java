package dev.maia.cli.security;

import dev.maia.schemas.topology.OwnerOnlyFiles;
import dev.maia.control.security.Principals;
import dev.maia.schemas.topology.KafkaSecurity;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Who {@code maia acls} is toward the brokers: the admin principal (a super user in the brokers' settings),
 * from the directory {@code maia certs} wrote ({@code --certs}) or from stores of an existing CA given one
 * by one. Passwords are read from files, never from the command line (where {@code ps} would show them).
 */
final class AdminIdentity {

    @Option(names = "--certs", description = "directory written by `maia certs`: uses maia-admin.p12 and ca.p12 with their .password files")
    Path certs;

    @Option(names = "--keystore", description = "PKCS12 key store of the admin principal (CN=" + Principals.ADMIN + "), instead of --certs")
    Path keystore;

    @Option(names = "--keystore-password-file", description = "file holding --keystore's password")
    Path keystorePasswordFile;

    @Option(names = "--truststore", description = "PKCS12 trust store with the CA that signed the brokers' certificates")
    Path truststore;

    @Option(names = "--truststore-password-file", description = "file holding --truststore's password")
    Path truststorePasswordFile;

    KafkaSecurity security() throws IOException {
        if (certs != null) {
            if (keystore != null || truststore != null) {
                throw new IllegalArgumentException("--certs or --keystore/--truststore, not both");
            }
            return load(StoreFiles.store(certs, Principals.ADMIN), StoreFiles.password(certs, Principals.ADMIN),
                    StoreFiles.store(certs, StoreFiles.CA), StoreFiles.password(certs, StoreFiles.CA));
        }
        if (keystore == null || truststore == null || keystorePasswordFile == null || truststorePasswordFile == null) {
            throw new IllegalArgumentException("the admin's certificate is required: --certs DIR (from `maia certs`), or "
                    + "--keystore, --keystore-password-file, --truststore and --truststore-password-file");
        }
        return load(keystore, keystorePasswordFile, truststore, truststorePasswordFile);
    }

    private static KafkaSecurity load(Path keystore, Path keystorePassword, Path truststore, Path truststorePassword)
            throws IOException {
        for (Path p : new Path[]{keystore, keystorePassword, truststore, truststorePassword}) {
            if (!Files.isReadable(p)) {
                throw new IllegalArgumentException("cannot read " + p);
            }
        }
        return KafkaSecurity.tls(keystore, OwnerOnlyFiles.readSecret(keystorePassword), truststore,
                OwnerOnlyFiles.readSecret(truststorePassword));
    }
}
