package dev.maia.cli.security;

import dev.maia.schemas.topology.OwnerOnlyFiles;
import dev.maia.control.security.Principals;
import dev.maia.localcluster.tls.DeploymentCa;
import dev.maia.schemas.http.Json;
import dev.maia.schemas.topology.KafkaSecurity;
import dev.maia.schemas.topology.Topology;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code maia certs}: a deployment CA and one certificate per principal of a topology (the brokers, the
 * admin, MirrorMaker 2, the monitor, every region's service), as PKCS12 files with a password file each,
 * all owner-only. The CA's private key is never written: the certificates of a deployment are made in one
 * run, and no file left behind can sign another one. An existing CA is not replaced unless {@code --force}
 * says so (replacing it invalidates every certificate the running brokers trust).
 */
@Command(name = "certs", mixinStandardHelpOptions = true,
        description = "Generate a deployment CA and a TLS client/server certificate per principal of a topology.")
public final class CertsCommand implements Callable<Integer> {

    @Option(names = "--topology", required = true, description = "topology YAML: its regions and the host names its bootstrap servers dial")
    Path topologyFile;

    @Option(names = "--out", required = true, description = "directory for the stores and password files (made 0700; files 0600)")
    Path out;

    @Option(names = "--broker-host", description = "another host name (or address) the brokers are reached at, repeatable "
            + "(e.g. the compose container names); the topology's bootstrap hosts, localhost and 127.0.0.1 are always in")
    List<String> brokerHosts = new ArrayList<>();

    @Option(names = "--ca-name", defaultValue = "maia-deployment-ca", description = "the CA's common name (default: ${DEFAULT-VALUE})")
    String caName;

    @Option(names = "--force", description = "replace an existing CA in --out and every certificate with it")
    boolean force;

    @Option(names = "--json", description = "print what was written as JSON")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Topology topology = Topology.load(topologyFile);
        DeploymentPrincipals deployment = DeploymentPrincipals.of(topology, brokerHosts);
        Path caStore = StoreFiles.store(out, StoreFiles.CA);
        if (Files.exists(caStore) && !force) {
            throw new IllegalStateException(caStore + " exists: a CA was generated there already, and the brokers may "
                    + "trust it; --force replaces it and every certificate in " + out);
        }
        OwnerOnlyFiles.directory(out);
        DeploymentCa ca = DeploymentCa.create(caName, out);
        List<Issued> issued = new ArrayList<>();
        KafkaSecurity any = null;
        for (String principal : deployment.principals()) {
            boolean broker = principal.equals(Principals.BROKER);
            KafkaSecurity security = ca.issue(principal, broker ? deployment.brokerHosts() : List.of());
            Path passwordFile = OwnerOnlyFiles.writeSecret(StoreFiles.password(out, principal), security.keystorePassword());
            issued.add(new Issued(principal, Path.of(security.keystore()), passwordFile,
                    certificate(Path.of(security.keystore()), security.keystorePassword(), principal)));
            any = security;
        }
        Path caPassword = OwnerOnlyFiles.writeSecret(StoreFiles.password(out, StoreFiles.CA), any.truststorePassword());
        PrintStream stdout = System.out;
        if (json) {
            stdout.println(Json.write(toJson(ca, caPassword, issued)));
        } else {
            print(stdout, ca, caPassword, issued);
        }
        return 0;
    }

    private record Issued(String principal, Path keystore, Path passwordFile, X509Certificate certificate) {
        List<String> hosts() {
            List<String> hosts = new ArrayList<>();
            try {
                var names = certificate.getSubjectAlternativeNames();
                (names == null ? Collections.<List<?>>emptyList() : names).forEach(n -> hosts.add(String.valueOf(n.get(1))));
            } catch (java.security.cert.CertificateParsingException e) {
                throw new IllegalStateException("unreadable certificate of " + principal, e);
            }
            return hosts;
        }
    }

    /** Read back from the file just written: what is printed is what a client will load. */
    private static X509Certificate certificate(Path keystore, String password, String alias) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, password.toCharArray());
        }
        return (X509Certificate) store.getCertificate(alias);
    }

    private void print(PrintStream stdout, DeploymentCa ca, Path caPassword, List<Issued> issued) {
        stdout.println("written to " + out.toAbsolutePath() + " (owner-only):");
        String format = "%-24s %-28s %-33s %-21s %s%n";
        stdout.printf(format, "PRINCIPAL", "STORE", "PASSWORD FILE", "EXPIRES", "HOSTS");
        stdout.printf(format, "(CA) " + ca.certificate().getSubjectX500Principal().getName(), ca.truststore().getFileName(),
                caPassword.getFileName(), ca.certificate().getNotAfter().toInstant(), "(the truststore of every party)");
        for (Issued i : issued) {
            stdout.printf(format, i.principal(), i.keystore().getFileName(), i.passwordFile().getFileName(),
                    i.certificate().getNotAfter().toInstant(), String.join(",", i.hosts()));
        }
        stdout.println("The CA's private key was not kept: to add or renew a certificate, run again with --force "
                + "(new CA, new certificates for everyone).");
    }

    private static Map<String, Object> toJson(DeploymentCa ca, Path caPassword, List<Issued> issued) {
        Map<String, Object> root = new LinkedHashMap<>();
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("subject", ca.certificate().getSubjectX500Principal().getName());
        c.put("truststore", ca.truststore().toString());
        c.put("password_file", caPassword.toString());
        c.put("not_after", ca.certificate().getNotAfter().toInstant().toString());
        root.put("ca", c);
        List<Map<String, Object>> certs = new ArrayList<>();
        for (Issued i : issued) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("principal", i.principal());
            m.put("subject", i.certificate().getSubjectX500Principal().getName());
            m.put("keystore", i.keystore().toString());
            m.put("password_file", i.passwordFile().toString());
            m.put("hosts", i.hosts());
            m.put("not_after", i.certificate().getNotAfter().toInstant().toString());
            certs.add(m);
        }
        root.put("certificates", certs);
        return root;
    }
}
