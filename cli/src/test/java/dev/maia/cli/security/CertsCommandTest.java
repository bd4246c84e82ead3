package dev.maia.cli.security;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maia.cli.MaiaCommand;
import dev.maia.schemas.http.Json;
import dev.maia.schemas.topology.RegionSpec;
import dev.maia.schemas.topology.Topology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code maia certs}: what an operator checks in the directory it wrote, with keytool-like eyes. */
class CertsCommandTest {

    private static final List<String> PRINCIPALS = List.of("maia-broker", "maia-admin", "maia-mirror", "maia-monitor",
            "maia-region-us-west", "maia-region-eu-central");

    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {
    }

    static Run maia(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        PrintStream original = System.out;
        synchronized (CertsCommandTest.class) {
            System.setOut(new PrintStream(out, true));
            try {
                CommandLine cli = new CommandLine(new MaiaCommand());
                cli.setErr(new PrintWriter(err, true));
                cli.setExecutionExceptionHandler((e, c, p) -> {
                    c.getErr().println("maia: " + e.getMessage());
                    return 1;
                });
                return new Run(cli.execute(args), out.toString(), err.toString());
            } finally {
                System.setOut(original);
            }
        }
    }

    private Path topology() throws Exception {
        Path file = dir.resolve("topology.yaml");
        new Topology(List.of(new RegionSpec("us-west", "kafka-us-west:9092", null),
                new RegionSpec("eu-central", "10.1.2.3:9092", null)))
                .withControl("control-us-west:9092,control-eu-central:9092").write(file);
        return file;
    }

    private static KeyStore load(Path store, Path passwordFile) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, Files.readString(passwordFile).toCharArray());
        }
        return ks;
    }

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void everyPrincipalGetsAnOwnerOnlyStoreWhoseCertificateNamesItAndIsSignedByTheCa() throws Exception {
        Path out = dir.resolve("certs");
        Run run = maia("certs", "--topology", topology().toString(), "--out", out.toString(), "--broker-host", "kafka-extra");

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(mode(out)).isEqualTo("rwx------");
        X509Certificate ca = (X509Certificate) load(out.resolve("ca.p12"), out.resolve("ca.password")).getCertificate("ca");
        for (String principal : PRINCIPALS) {
            Path store = out.resolve(principal + ".p12");
            Path password = out.resolve(principal + ".password");
            assertThat(mode(store)).as(principal).isEqualTo("rw-------");
            assertThat(mode(password)).as(principal).isEqualTo("rw-------");
            KeyStore ks = load(store, password);
            X509Certificate cert = (X509Certificate) ks.getCertificate(principal);
            assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=" + principal);
            cert.verify(ca.getPublicKey()); // throws unless the CA signed it
            assertThat(ks.getKey(principal, Files.readString(password).toCharArray())).isInstanceOf(PrivateKey.class);
            assertThat(run.out()).contains(principal);
        }
        assertThat(mode(out.resolve("ca.p12"))).isEqualTo("rw-------");
        assertThat(mode(out.resolve("ca.password"))).isEqualTo("rw-------");
        // The CA's key is not left behind: only the stores, their passwords, and nothing else.
        try (var files = Files.list(out)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .allMatch(n -> n.endsWith(".p12") || n.endsWith(".password"))
                    .hasSize(2 * (PRINCIPALS.size() + 1));
        }
        assertThat(run.out()).doesNotContain(Files.readString(out.resolve("maia-admin.password")));
    }

    @Test
    void theBrokersCertificateHoldsEveryHostTheTopologyDialsAndTheExtraOnes() throws Exception {
        Path out = dir.resolve("certs");
        Run run = maia("certs", "--topology", topology().toString(), "--out", out.toString(), "--broker-host", "kafka-extra",
                "--json");

        assertThat(run.exit()).as(run.err()).isZero();
        X509Certificate broker = (X509Certificate) load(out.resolve("maia-broker.p12"), out.resolve("maia-broker.password"))
                .getCertificate("maia-broker");
        List<String> names = new ArrayList<>();
        broker.getSubjectAlternativeNames().forEach(n -> names.add(n.get(0) + "=" + n.get(1)));
        // 2 = DNS name, 7 = IP address (RFC 5280): an address must be an IP entry to pass host-name verification.
        assertThat(names).contains("2=localhost", "7=127.0.0.1", "2=kafka-us-west", "7=10.1.2.3", "2=control-us-west",
                "2=control-eu-central", "2=kafka-extra");
        JsonNode json = Json.MAPPER.readTree(run.out());
        assertThat(json.get("certificates")).hasSize(PRINCIPALS.size());
        assertThat(json.get("certificates").get(0).get("principal").asText()).isEqualTo("maia-broker");
        assertThat(json.get("ca").get("truststore").asText()).endsWith("ca.p12");
        // A service's certificate is a client's: no host names besides the loopback ones.
        X509Certificate region = (X509Certificate) load(out.resolve("maia-region-us-west.p12"),
                out.resolve("maia-region-us-west.password")).getCertificate("maia-region-us-west");
        assertThat(region.getSubjectAlternativeNames()).hasSize(2);
    }

    @Test
    void anExistingCaIsReplacedOnlyWithForce() throws Exception {
        Path out = dir.resolve("certs");
        String topology = topology().toString();
        assertThat(maia("certs", "--topology", topology, "--out", out.toString()).exit()).isZero();
        byte[] before = Files.readAllBytes(out.resolve("ca.p12"));
        byte[] adminBefore = Files.readAllBytes(out.resolve("maia-admin.p12"));

        Run again = maia("certs", "--topology", topology, "--out", out.toString());
        assertThat(again.exit()).isNotZero();
        assertThat(again.err()).contains("ca.p12 exists").contains("--force");
        assertThat(Files.readAllBytes(out.resolve("ca.p12"))).isEqualTo(before);
        assertThat(Files.readAllBytes(out.resolve("maia-admin.p12"))).isEqualTo(adminBefore);

        assertThat(maia("certs", "--topology", topology, "--out", out.toString(), "--force").exit()).isZero();
        assertThat(Files.readAllBytes(out.resolve("ca.p12"))).isNotEqualTo(before);
    }

    @Test
    void anExistingDirectoryIsNarrowedToItsOwner() throws Exception {
        Path out = Files.createDirectory(dir.resolve("wide"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwxr-xr-x")));
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxrwxrwx"));

        assertThat(maia("certs", "--topology", topology().toString(), "--out", out.toString()).exit()).isZero();
        assertThat(mode(out)).isEqualTo("rwx------");
    }
}
