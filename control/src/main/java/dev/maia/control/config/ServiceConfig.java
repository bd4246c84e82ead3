package dev.maia.control.config;

import dev.maia.schemas.topology.KafkaSecurity;
import dev.maia.schemas.topology.RegionSpec;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.ConfigKey;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The keys every MAIA service of a region shares: which region it is, its Kafka cluster, and how the
 * topics it creates there are replicated. Each service's configuration extends this one, the way
 * MirrorMaker 2's connector configurations share {@code MirrorConnectorConfig}, so a shared key is
 * declared once.
 */
public class ServiceConfig extends AbstractConfig {
    public static final String REGION = "region";
    public static final String BOOTSTRAP_SERVERS = "bootstrap_servers";
    public static final String WAL_REPLICATION_FACTOR = "wal_replication_factor";
    public static final String WAL_MIN_INSYNC_REPLICAS = "wal_min_insync_replicas";
    public static final String CONTROL_TIMEOUT_MS = "control_timeout_ms";
    public static final String KAFKA_SECURITY_PROTOCOL = "kafka_security_protocol";
    public static final String KAFKA_SSL_KEYSTORE = "kafka_ssl_keystore";
    public static final String KAFKA_SSL_KEYSTORE_PASSWORD = "kafka_ssl_keystore_password";
    public static final String KAFKA_SSL_TRUSTSTORE = "kafka_ssl_truststore";
    public static final String KAFKA_SSL_TRUSTSTORE_PASSWORD = "kafka_ssl_truststore_password";

    public static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(REGION, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, Validators.matching(RegionSpec.ALIAS), Importance.HIGH,
                    "This region's alias, as the topology names it.")
            .define(BOOTSTRAP_SERVERS, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, Validators.nonBlank(), Importance.HIGH,
                    "This region's Kafka cluster (host:port,...).")
            .define(WAL_REPLICATION_FACTOR, Type.INT, TopicReplication.CLUSTER_DEFAULT, Validators.replicas(), Importance.HIGH,
                    "Replication factor of the topics this region creates (WAL, placement, positions, DLQ, conflicts); "
                            + "-1 takes the cluster's default.replication.factor. 3 in production.")
            .define(WAL_MIN_INSYNC_REPLICAS, Type.INT, TopicReplication.CLUSTER_DEFAULT, Validators.replicas(), Importance.HIGH,
                    "min.insync.replicas of those topics: replicas that hold a write before it is acknowledged (acks=all); "
                            + "-1 takes the cluster's. At most wal_replication_factor; 2 in production.")
            .define(CONTROL_TIMEOUT_MS, Type.LONG, 10_000L, Validators.atLeast(1_000), Importance.MEDIUM,
                    "How long a placement change waits for a majority of the control cluster to acknowledge it and for this "
                            + "region to read it back, before answering 503 NO_CONTROL_QUORUM; also bounds the control probe "
                            + "behind /health. Above a control-cluster leader election (a few seconds).")
            .define(KAFKA_SECURITY_PROTOCOL, Type.STRING, KafkaSecurity.SSL,
                    Validators.oneOf(List.of(KafkaSecurity.SSL, KafkaSecurity.PLAINTEXT)), Importance.HIGH,
                    "How every Kafka client of this region connects (its own cluster, the control cluster, other regions' "
                            + "clusters): SSL is TLS with this region's client certificate (mTLS), the principal the "
                            + "brokers' ACLs know; PLAINTEXT only when said here explicitly (docs/security.md).")
            .define(KAFKA_SSL_KEYSTORE, Type.STRING, null, Importance.HIGH,
                    "PKCS12 file with this region's client certificate and key; required with SSL.")
            .define(KAFKA_SSL_KEYSTORE_PASSWORD, Type.PASSWORD, null, Importance.HIGH,
                    "Password of kafka_ssl_keystore (and of its key); never logged.")
            .define(KAFKA_SSL_TRUSTSTORE, Type.STRING, null, Importance.HIGH,
                    "PKCS12 file with the deployment's CA certificate: brokers whose certificate it did not sign are refused; "
                            + "required with SSL.")
            .define(KAFKA_SSL_TRUSTSTORE_PASSWORD, Type.PASSWORD, null, Importance.HIGH,
                    "Password of kafka_ssl_truststore; never logged.");

    protected ServiceConfig(ConfigDef definition, Map<String, ?> values, boolean logValues) {
        super(definition, DeclaredKeys.parse(definition, values), logValues);
        int factor = getInt(WAL_REPLICATION_FACTOR);
        int minInsync = getInt(WAL_MIN_INSYNC_REPLICAS);
        // Checked here because the broker would accept it and then refuse every acks=all write.
        if (minInsync != TopicReplication.CLUSTER_DEFAULT && minInsync > factor) {
            throw new ConfigException(WAL_MIN_INSYNC_REPLICAS + ": must be <= " + WAL_REPLICATION_FACTOR + " ("
                    + (factor == TopicReplication.CLUSTER_DEFAULT ? "the cluster's default: set it too" : factor)
                    + "), got " + minInsync);
        }
        kafkaSecurity = kafkaSecurityOf(this);
    }

    private final KafkaSecurity kafkaSecurity;

    /** The Kafka security keys, for a configuration that is not a region's (MirrorMaker 2's own identity). */
    public static final List<String> KAFKA_SECURITY_KEYS = List.of(KAFKA_SECURITY_PROTOCOL, KAFKA_SSL_KEYSTORE,
            KAFKA_SSL_KEYSTORE_PASSWORD, KAFKA_SSL_TRUSTSTORE, KAFKA_SSL_TRUSTSTORE_PASSWORD);

    /** The declarations of {@link #KAFKA_SECURITY_KEYS}, shared (not copied) so that one key is one declaration. */
    public static ConfigDef kafkaSecurityDef() {
        ConfigDef def = new ConfigDef();
        KAFKA_SECURITY_KEYS.forEach(k -> def.define(CONFIG_DEF.configKeys().get(k)));
        return def;
    }

    /** The values of {@link #KAFKA_SECURITY_KEYS} that say {@code security}: how a harness hands its identity to a configuration. */
    public static Map<String, Object> kafkaSecurityValues(KafkaSecurity security) {
        Map<String, Object> values = new HashMap<>();
        values.put(KAFKA_SECURITY_PROTOCOL, security.protocol());
        if (security.isTls()) {
            values.put(KAFKA_SSL_KEYSTORE, security.keystore());
            values.put(KAFKA_SSL_KEYSTORE_PASSWORD, security.keystorePassword());
            values.put(KAFKA_SSL_TRUSTSTORE, security.truststore());
            values.put(KAFKA_SSL_TRUSTSTORE_PASSWORD, security.truststorePassword());
        }
        return values;
    }

    /** The security a configuration holding {@link #kafkaSecurityDef()} says, validated as a region's is. */
    public static KafkaSecurity kafkaSecurityOf(AbstractConfig c) {
        String protocol = c.getString(KAFKA_SECURITY_PROTOCOL);
        if (protocol.equals(KafkaSecurity.PLAINTEXT)) {
            return KafkaSecurity.plaintext();
        }
        for (String key : List.of(KAFKA_SSL_KEYSTORE, KAFKA_SSL_TRUSTSTORE)) {
            String file = c.getString(key);
            if (file == null || file.isBlank()) {
                throw new ConfigException(key + ": required with " + KAFKA_SECURITY_PROTOCOL + "=SSL (the default); set "
                        + KAFKA_SECURITY_PROTOCOL + ": PLAINTEXT to run without TLS");
            }
            if (!Files.isReadable(Path.of(file))) {
                throw new ConfigException(key + ": cannot read " + file);
            }
        }
        return KafkaSecurity.tls(Path.of(c.getString(KAFKA_SSL_KEYSTORE)), password(c, KAFKA_SSL_KEYSTORE_PASSWORD),
                Path.of(c.getString(KAFKA_SSL_TRUSTSTORE)), password(c, KAFKA_SSL_TRUSTSTORE_PASSWORD));
    }

    private static String password(AbstractConfig c, String key) {
        Password p = c.getPassword(key);
        return p == null ? "" : p.value();
    }

    /**
     * One definition holding every key of the given ones once. A key several of them hold must be one
     * declaration they share (this class's): two declarations of one name are refused.
     */
    public static ConfigDef combine(ConfigDef... definitions) {
        ConfigDef combined = new ConfigDef();
        for (ConfigDef definition : definitions) {
            for (ConfigKey key : definition.configKeys().values()) {
                ConfigKey known = combined.configKeys().get(key.name);
                if (known == null) {
                    combined.define(key);
                } else if (known != key) {
                    throw new IllegalStateException(key.name + " is declared twice");
                }
            }
        }
        return combined;
    }

    public String region() {
        return getString(REGION);
    }

    public String bootstrapServers() {
        return getString(BOOTSTRAP_SERVERS);
    }

    /** How every Kafka client of this service connects: TLS with its certificate, or PLAINTEXT when configured so. */
    public KafkaSecurity kafkaSecurity() {
        return kafkaSecurity;
    }

    /** A Kafka client configuration for this region's own cluster, with {@link #kafkaSecurity()}. */
    public Map<String, Object> kafkaClientConfig() {
        return kafkaSecurity.clientConfig(bootstrapServers());
    }

    public Duration controlTimeout() {
        return Duration.ofMillis(getLong(CONTROL_TIMEOUT_MS));
    }

    /** How the topics this region creates are replicated; -1 in either is the cluster's default. */
    public TopicReplication topicReplication() {
        return new TopicReplication(getInt(WAL_REPLICATION_FACTOR).shortValue(), getInt(WAL_MIN_INSYNC_REPLICAS));
    }
}
