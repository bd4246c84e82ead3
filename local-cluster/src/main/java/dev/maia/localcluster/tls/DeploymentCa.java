package dev.maia.localcluster.tls;

import dev.maia.schemas.topology.KafkaSecurity;
import dev.maia.schemas.topology.OwnerOnlyFiles;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;

/**
 * A small certificate authority for one deployment of the demo, the tests or the compose stack: it
 * signs a certificate per principal (a region's service, MirrorMaker 2, the monitor, the brokers) and its
 * own certificate is the only one in every truststore, so a certificate from any other CA is refused on
 * both sides of every connection. Everything is generated on the machine that runs it and written
 * under {@code dir} with owner-only permissions; nothing of it is ever committed.
 *
 * <p>EC P-256 keys: generating one takes milliseconds, where RSA 2048 takes most of a second on these
 * cores, and every test run makes a dozen.
 */
public final class DeploymentCa {

    private static final String SIGNATURE = "SHA256withECDSA";
    private static final Duration VALIDITY = Duration.ofDays(30);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String name;
    private final Path dir;
    private final KeyPair keys;
    private final X509Certificate certificate;
    private final Path truststore;
    private final String truststorePassword;

    private DeploymentCa(String name, Path dir, KeyPair keys, X509Certificate certificate, Path truststore,
                         String truststorePassword) {
        this.name = name;
        this.dir = dir;
        this.keys = keys;
        this.certificate = certificate;
        this.truststore = truststore;
        this.truststorePassword = truststorePassword;
    }

    /** A new CA named {@code name}, its truststore written to {@code dir/ca.p12}. */
    public static DeploymentCa create(String name, Path dir) {
        try {
            Files.createDirectories(dir);
            KeyPair keys = newKeyPair();
            X500Name subject = new X500Name("CN=" + name);
            X509v3CertificateBuilder builder = builder(subject, subject, keys);
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            X509Certificate cert = sign(builder, keys);
            String password = newPassword();
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", cert);
            Path truststore = dir.resolve("ca.p12");
            store(trust, truststore, password);
            return new DeploymentCa(name, dir, keys, cert, truststore, password);
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("could not create CA " + name + " in " + dir, e);
        }
    }

    /**
     * A key and a certificate for {@code principal} (its common name: the principal the brokers' ACLs
     * know), valid for client and server authentication on {@code localhost}, {@code 127.0.0.1} and the
     * given host names; written to {@code dir/<principal>.p12}. The returned settings trust this CA only.
     */
    public KafkaSecurity issue(String principal, List<String> hostNames) {
        try {
            KeyPair subjectKeys = newKeyPair();
            X509v3CertificateBuilder builder = builder(new X500Name("CN=" + name), new X500Name("CN=" + principal),
                    subjectKeys);
            List<GeneralName> names = new ArrayList<>();
            names.add(new GeneralName(GeneralName.dNSName, "localhost"));
            names.add(new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
            // An address a client dials (a host's topology may name brokers by IP) must be an IP entry:
            // host-name verification does not match an address against a DNS entry.
            hostNames.forEach(h -> names.add(new GeneralName(isAddress(h) ? GeneralName.iPAddress : GeneralName.dNSName, h)));
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                    new KeyPurposeId[]{KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
            X509Certificate cert = sign(builder, keys);
            String password = newPassword();
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(principal, subjectKeys.getPrivate(), password.toCharArray(), new Certificate[]{cert, certificate});
            Path file = dir.resolve(principal + ".p12");
            store(store, file, password);
            return KafkaSecurity.tls(file, password, truststore, truststorePassword);
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("could not issue a certificate for " + principal, e);
        }
    }

    public KafkaSecurity issue(String principal) {
        return issue(principal, List.of());
    }

    public X509Certificate certificate() {
        return certificate;
    }

    public Path truststore() {
        return truststore;
    }

    private static boolean isAddress(String host) {
        return host.contains(":") || host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair subjectKeys) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, new BigInteger(64, RANDOM).abs().add(BigInteger.ONE),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(VALIDITY)), subject, subjectKeys.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair signer)
            throws OperatorCreationException, GeneralSecurityException {
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder(SIGNATURE).build(signer.getPrivate())));
    }

    private static KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return g.generateKeyPair();
    }

    private static String newPassword() {
        byte[] b = new byte[18];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static void store(KeyStore store, Path file, String password) throws IOException, GeneralSecurityException {
        try (OutputStream out = Files.newOutputStream(OwnerOnlyFiles.create(file))) {
            store.store(out, password.toCharArray());
        }
    }
}
