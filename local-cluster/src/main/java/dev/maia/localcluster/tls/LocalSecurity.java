package dev.maia.localcluster.tls;

import dev.maia.control.security.Principals;
import dev.maia.schemas.topology.KafkaSecurity;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How the clusters of one local deployment (demo, tests) are secured: {@link #tls} gives every broker
 * TLS listeners that require a client certificate, the standard authorizer (deny by default) and the
 * deployment CA's certificates; every principal gets its certificate from the same CA on first ask.
 * {@link #plaintext()} is the explicit opt-out, for tests that are about something else.
 */
public final class LocalSecurity {

    private static final LocalSecurity PLAINTEXT = new LocalSecurity(null);

    /** Null when plaintext. */
    private final DeploymentCa ca;
    private final Map<String, KafkaSecurity> issued = new ConcurrentHashMap<>();

    private LocalSecurity(DeploymentCa ca) {
        this.ca = ca;
    }

    public static LocalSecurity plaintext() {
        return PLAINTEXT;
    }

    /** A new deployment CA under {@code dir} (owner-only files; never commit them). */
    public static LocalSecurity tls(Path dir) {
        return new LocalSecurity(DeploymentCa.create("maia-local-ca", dir));
    }

    public boolean isTls() {
        return ca != null;
    }

    /** The settings of a client that is {@code principal}: its certificate, or plaintext. */
    public KafkaSecurity client(String principal) {
        if (ca == null) {
            return KafkaSecurity.plaintext();
        }
        return issued.computeIfAbsent(principal, ca::issue);
    }

    /** The super user the harness provisions with (topics, ACLs, readiness checks). */
    public KafkaSecurity admin() {
        return client(Principals.ADMIN);
    }

    public KafkaSecurity region(String region) {
        return client(Principals.region(region));
    }

    public KafkaSecurity mirror() {
        return client(Principals.MIRROR);
    }

    public KafkaSecurity monitor() {
        return client(Principals.MONITOR);
    }

    /**
     * A broker's listeners and security settings: {@code SSL} for clients and between brokers,
     * {@code CONTROLLER} over TLS too, client certificates required on both, the certificate's CN as the
     * principal, ACLs enforced with the brokers and the admin as the only super users.
     */
    public Properties brokerProperties(int brokerPort, int controllerPort) {
        Properties p = new Properties();
        String clients = ca == null ? "PLAINTEXT" : "SSL";
        p.put("listeners", clients + "://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", clients + "://127.0.0.1:" + brokerPort);
        p.put("listener.security.protocol.map", clients + ":" + clients + ",CONTROLLER:" + clients);
        p.put("inter.broker.listener.name", clients);
        if (ca == null) {
            return p;
        }
        KafkaSecurity broker = client(Principals.BROKER);
        p.put("ssl.keystore.type", "PKCS12");
        p.put("ssl.keystore.location", broker.keystore());
        p.put("ssl.keystore.password", broker.keystorePassword());
        p.put("ssl.key.password", broker.keystorePassword());
        p.put("ssl.truststore.type", "PKCS12");
        p.put("ssl.truststore.location", broker.truststore());
        p.put("ssl.truststore.password", broker.truststorePassword());
        p.put("ssl.client.auth", "required");
        p.put("ssl.principal.mapping.rules", Principals.MAPPING_RULES);
        p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        p.put("allow.everyone.if.no.acl.found", "false");
        p.put("super.users", Principals.user(Principals.BROKER) + ";" + Principals.user(Principals.ADMIN));
        return p;
    }

    @Override
    public String toString() {
        return ca == null ? "plaintext" : "tls(" + ca.truststore().getParent() + ")";
    }
}
