package dev.maia.schemas.topology;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * How a MAIA client reaches a Kafka cluster: TLS with a client certificate (mTLS) unless a setting says
 * PLAINTEXT explicitly. The certificate names the principal the brokers' ACLs know (a region's service,
 * MirrorMaker 2, the monitor); the truststore holds the deployment's CA, so a broker with a certificate
 * from any other CA is refused as the brokers refuse such clients. Key and trust stores are PKCS12 files.
 * The passwords never appear in {@link #toString()}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record KafkaSecurity(
        @JsonProperty("protocol") String protocol,
        @JsonProperty("keystore") String keystore,
        @JsonProperty("keystore_password") String keystorePassword,
        @JsonProperty("truststore") String truststore,
        @JsonProperty("truststore_password") String truststorePassword) {

    public static final String SSL = "SSL";
    public static final String PLAINTEXT = "PLAINTEXT";

    public KafkaSecurity {
        protocol = protocol == null ? SSL : protocol.trim().toUpperCase(java.util.Locale.ROOT);
        if (!protocol.equals(SSL) && !protocol.equals(PLAINTEXT)) {
            throw new TopologyException("protocol: must be SSL or PLAINTEXT, got '" + protocol + "'");
        }
        if (protocol.equals(SSL)) {
            require("keystore", keystore);
            require("truststore", truststore);
        }
    }

    private static void require(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new TopologyException(field + ": required for TLS (protocol SSL); say protocol: PLAINTEXT to run without TLS");
        }
    }

    /** No TLS: only where a setting asks for it by name. */
    public static KafkaSecurity plaintext() {
        return new KafkaSecurity(PLAINTEXT, null, null, null, null);
    }

    public static KafkaSecurity tls(Path keystore, String keystorePassword, Path truststore, String truststorePassword) {
        return new KafkaSecurity(SSL, keystore.toString(), keystorePassword, truststore.toString(), truststorePassword);
    }

    @JsonIgnore
    public boolean isTls() {
        return protocol.equals(SSL);
    }

    /** The {@code security.protocol} and {@code ssl.*} settings of a Kafka producer, consumer, admin or Streams client. */
    public Map<String, Object> clientProperties() {
        Map<String, Object> p = new HashMap<>();
        p.put("security.protocol", protocol);
        if (isTls()) {
            p.put("ssl.keystore.type", "PKCS12");
            p.put("ssl.keystore.location", keystore);
            p.put("ssl.keystore.password", keystorePassword);
            p.put("ssl.key.password", keystorePassword);
            p.put("ssl.truststore.type", "PKCS12");
            p.put("ssl.truststore.location", truststore);
            p.put("ssl.truststore.password", truststorePassword);
        }
        return p;
    }

    /** {@link #clientProperties()} with {@code bootstrap.servers}: a whole client configuration to add to. */
    public Map<String, Object> clientConfig(String bootstrapServers) {
        Map<String, Object> p = clientProperties();
        p.put("bootstrap.servers", bootstrapServers);
        return p;
    }

    @Override
    public String toString() {
        return isTls() ? "SSL(keystore=" + keystore + ", truststore=" + truststore + ")" : PLAINTEXT;
    }
}
