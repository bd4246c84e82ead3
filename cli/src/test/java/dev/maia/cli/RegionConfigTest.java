package dev.maia.cli;

import dev.maia.schemas.topology.KafkaSecurity;
import dev.maia.apply.ApplyConfig;
import dev.maia.cli.server.ApiKeyring;
import dev.maia.cli.server.HttpLimits;
import dev.maia.cli.server.HttpTls;
import dev.maia.cli.server.TestKeyStores;
import dev.maia.control.config.ManagementKeys;
import dev.maia.control.config.TopicReplication;
import dev.maia.producer.WriteConfig;
import dev.maia.schemas.avro.SyncMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import java.time.Duration;

/** The region YAML of maia serve: loaded, overridden from the environment, refused by key name. */
class RegionConfigTest {
    private static final String REQUIRED = "region: us-west\nbootstrap_servers: k:9092\nwork_dir: /tmp/x\n"
            + "kafka_security_protocol: PLAINTEXT\n";

    @TempDir
    Path dir;

    private Path yaml(String text) throws Exception {
        Path file = dir.resolve("region.yaml");
        Files.writeString(file, text);
        return file;
    }

    @Test
    void loadsAFileAndTakesEnvironmentOverrides() throws Exception {
        String hash = ApiKeyring.hash("secret");
        Path file = yaml("""
                region: us-west
                bootstrap_servers: 127.0.0.1:9092
                http_port: 18080
                work_dir: /tmp/maia-us-west
                kafka_security_protocol: PLAINTEXT
                sync_mode: semi-sync
                on_sync_timeout: degrade
                tenant_keys_sha256: {acme: %s}
                """.formatted(hash));
        RegionConfig c = RegionConfig.load(file, Map.of("MAIA_BOOTSTRAP_SERVERS", "10.0.0.1:9092", "MAIA_HTTP_PORT", "19090",
                "MAIA_JAVA_OPTS", "-Xmx1g"));

        assertThat(c.writeConfig().bootstrapServers()).isEqualTo("10.0.0.1:9092");
        assertThat(c.applyConfig().bootstrapServers()).isEqualTo("10.0.0.1:9092");
        assertThat(c.port()).isEqualTo(19090);
        assertThat(c.writeConfig().syncMode()).isEqualTo(SyncMode.semi_sync);
        assertThat(c.writeConfig().degradeOnSyncTimeout()).isTrue();
        assertThat(c.keyring().authenticate("secret")).get().extracting(ApiKeyring.Principal::tenant).isEqualTo("acme");
        assertThat(c.applyConfig().store().directory()).isEqualTo(Path.of("/tmp/maia-us-west/store"));
    }

    @Test
    void aFileWithEveryKeyLoads() throws Exception {
        Map<String, String> every = new LinkedHashMap<>();
        every.put("region", "eu-central");
        every.put("bootstrap_servers", "k1:9092,k2:9092");
        every.put("wal_replication_factor", "3");
        every.put("wal_min_insync_replicas", "2");
        every.put("control_timeout_ms", "4000");
        every.put("kafka_security_protocol", "SSL");
        every.put("kafka_ssl_keystore", Files.writeString(dir.resolve("eu-central.p12"), "k").toString());
        every.put("kafka_ssl_keystore_password", "ks-secret");
        every.put("kafka_ssl_truststore", Files.writeString(dir.resolve("ca.p12"), "t").toString());
        every.put("kafka_ssl_truststore_password", "ts-secret");
        every.put("max_clock_skew_ms", "2000");
        every.put("sync_mode", "sync");
        every.put("sync_timeout_ms", "750");
        every.put("on_sync_timeout", "degrade");
        every.put("work_dir", "/var/lib/maia");
        every.put("store_max_entries", "5000000");
        every.put("store_average_value_bytes", "2048");
        every.put("store_max_positions", "20000");
        every.put("apply_stream_threads", "3");
        every.put("apply_commit_interval_ms", "500");
        every.put("apply_max_poll_records", "2000");
        every.put("apply_fetch_max_wait_ms", "10");
        every.put("apply_fetch_min_bytes", "1024");
        every.put("read_wait_ms", "0");
        every.put("on_read_timeout", "redirect");
        every.put("wal_truncate_interval_ms", "30000");
        every.put("wal_compaction_margin_ms", "120000");
        every.put("alert_lag_max_seconds", "12.5");
        every.put("http_host", "0.0.0.0");
        every.put("http_port", "9443");
        every.put("schema_registry_url", "http://registry:8080/apis/registry/v2");
        every.put("admin_key_sha256", ApiKeyring.hash("admin"));
        every.put("tenant_keys_sha256", "{acme: " + ApiKeyring.hash("a") + ", globex: " + ApiKeyring.hash("g") + "}");
        every.put("management_host", "0.0.0.0");
        every.put("management_port", "9464");
        every.put("metrics_key", "scrape");
        every.put("http_route_threads", "64");
        every.put("http_route_queue", "200");
        every.put("http_idle_timeout_ms", "20000");
        every.put("http_request_timeout_ms", "5000");
        every.put("http_max_header_bytes", "8192");
        every.put("wal_keyring_file", Files.writeString(dir.resolve("wal-keyring.properties"),
                "key.k1 = " + java.util.Base64.getEncoder().encodeToString(new byte[32]) + "\ndefault = k1\n").toString());
        every.put("store_tenant_quota_bytes", "1000000000");
        every.put("http_tls_keystore", TestKeyStores.selfSigned(dir.resolve("http.p12"), "changeit")
                .toString());
        every.put("http_tls_keystore_password", "changeit");
        every.put("lease_duration_ms", "10000");
        every.put("lease_renew_interval_ms", "2500");
        every.put("lease_clock_margin_ms", "1500");
        every.put("failover_automatic", "false");
        every.put("failback_automatic", "true");
        assertThat(every.keySet()).as("a new key belongs in this file too").isEqualTo(RegionConfig.CONFIG_DEF.names());
        StringBuilder text = new StringBuilder();
        every.forEach((key, value) -> text.append(key).append(": ").append(value).append('\n'));

        RegionConfig c = RegionConfig.load(yaml(text.toString()), Map.of());

        WriteConfig write = c.writeConfig();
        assertThat(write.region()).isEqualTo("eu-central");
        assertThat(write.bootstrapServers()).isEqualTo("k1:9092,k2:9092");
        assertThat(write.topicReplication()).isEqualTo(new TopicReplication((short) 3, 2));
        assertThat(write.maxClockSkewMs()).isEqualTo(2000);
        assertThat(write.controlTimeout()).isEqualTo(Duration.ofSeconds(4));
        assertThat(write.kafkaSecurity()).isEqualTo(KafkaSecurity.tls(dir.resolve("eu-central.p12"), "ks-secret",
                dir.resolve("ca.p12"), "ts-secret"));
        assertThat(c.applyConfig().kafkaSecurity()).isEqualTo(write.kafkaSecurity());
        assertThat(c.kafkaSecurity()).isEqualTo(write.kafkaSecurity());
        assertThat(write.syncMode()).isEqualTo(SyncMode.sync);
        assertThat(write.syncTimeoutMs()).isEqualTo(750);
        assertThat(write.degradeOnSyncTimeout()).isTrue();
        ApplyConfig apply = c.applyConfig();
        assertThat(apply.topicReplication()).isEqualTo(new TopicReplication((short) 3, 2));
        assertThat(apply.stateDir()).isEqualTo(Path.of("/var/lib/maia/streams"));
        assertThat(apply.store().directory()).isEqualTo(Path.of("/var/lib/maia/store"));
        assertThat(apply.commitIntervalMs()).isEqualTo(500);
        assertThat(apply.maxPollRecords()).isEqualTo(2000);
        assertThat(apply.fetchMaxWaitMs()).isEqualTo(10);
        assertThat(apply.fetchMinBytes()).isEqualTo(1024);
        assertThat(apply.store().maxEntries()).isEqualTo(5_000_000);
        assertThat(apply.store().averageValueBytes()).isEqualTo(2048);
        assertThat(apply.store().maxPositions()).isEqualTo(20_000);
        assertThat(apply.streamThreads()).isEqualTo(3);
        assertThat(apply.readWaitMs()).isZero();
        assertThat(apply.redirectReadsOnTimeout()).isTrue();
        assertThat(apply.walTruncateIntervalMs()).isEqualTo(30_000);
        assertThat(apply.walCompactionMarginMs()).isEqualTo(120_000);
        assertThat(apply.alertLagMaxSeconds()).isEqualTo(12.5);
        assertThat(c.management()).isEqualTo(new ManagementKeys.Listener("0.0.0.0", Optional.of(9464), Optional.of("scrape")));
        assertThat(c.host()).isEqualTo("0.0.0.0");
        assertThat(c.port()).isEqualTo(9443);
        assertThat(c.httpLimits(1024)).isEqualTo(new HttpLimits(64, 200, 20_000, 5_000, 8192, 1024));
        assertThat(c.schemaRegistryUrl()).isEqualTo("http://registry:8080/apis/registry/v2");
        assertThat(c.keyring().authenticate("admin")).get().extracting(ApiKeyring.Principal::admin).isEqualTo(true);
        assertThat(c.keyring().authenticate("g")).get().extracting(ApiKeyring.Principal::tenant).isEqualTo("globex");
        assertThat(c.walKeyring()).get().extracting(k -> k.currentKeyId("acme").orElseThrow()).isEqualTo("k1");
        assertThat(apply.store().tenantQuotaBytes()).isEqualTo(1_000_000_000L);
        assertThat(c.httpTls()).get().extracting(HttpTls::keystore).isEqualTo(dir.resolve("http.p12"));
    }

    @Test
    void aMinimalFileTakesTheDocumentedDefaults() throws Exception {
        RegionConfig c = RegionConfig.load(yaml(REQUIRED), Map.of());

        WriteConfig write = c.writeConfig();
        assertThat(write.topicReplication()).isEqualTo(TopicReplication.CLUSTER_DEFAULTS);
        assertThat(write.maxClockSkewMs()).isEqualTo(10_000);
        assertThat(write.syncMode()).isEqualTo(SyncMode.async);
        assertThat(write.syncTimeoutMs()).isEqualTo(5_000);
        assertThat(write.degradeOnSyncTimeout()).isFalse();
        ApplyConfig apply = c.applyConfig();
        assertThat(apply.store().maxEntries()).isEqualTo(1_000_000);
        assertThat(apply.store().averageValueBytes()).isEqualTo(1024);
        assertThat(apply.store().maxPositions()).isEqualTo(100_000);
        // No one tenant may take more than half of what the store is sized for.
        assertThat(apply.store().tenantQuotaBytes()).isEqualTo(1_000_000L * 1024 / 2);
        assertThat(c.httpTls()).isEmpty();
        assertThat(apply.streamThreads()).isEqualTo(1);
        assertThat(apply.readWaitMs()).isEqualTo(5_000);
        assertThat(apply.redirectReadsOnTimeout()).isFalse();
        assertThat(c.host()).isEqualTo("127.0.0.1");
        assertThat(c.port()).isEqualTo(8080);
        assertThat(c.schemaRegistryUrl()).isNull();
        assertThat(c.keyring().authenticate("anything")).isEmpty();
        assertThat(c.walKeyring()).as("the WAL is plaintext unless a keyring is configured").isEmpty();
        // The page's defaults are these declarations (ConfigurationDocTest keeps the page equal to them).
        assertThat(ConfigurationDoc.render())
                .contains("| `store_max_entries` | long | `1000000` |")
                .contains("| `http_port` | int | `8080` |")
                .contains("| `work_dir` | string | required |");
    }

    @Test
    void localRegionsKeepTheirSmallStoreAndOneReplica() {
        RegionConfig c = RegionConfig.of("us-west", "127.0.0.1:9092", KafkaSecurity.plaintext(), 0, dir, "admin", Map.of("acme", "k"));

        assertThat(c.applyConfig().store().maxEntries()).isEqualTo(RegionConfig.LOCAL_STORE_MAX_ENTRIES);
        assertThat(c.writeConfig().topicReplication()).isEqualTo(new TopicReplication((short) 1, 1));
        assertThat(c.keyring().authenticate("k")).get().extracting(ApiKeyring.Principal::tenant).isEqualTo("acme");
        RegionConfig degrading = c.withOnSyncTimeout("degrade", 2000);
        assertThat(degrading.writeConfig().degradeOnSyncTimeout()).isTrue();
        assertThat(degrading.writeConfig().syncTimeoutMs()).isEqualTo(2000);
        assertThat(degrading.applyConfig().store().maxEntries()).isEqualTo(RegionConfig.LOCAL_STORE_MAX_ENTRIES);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '=', value = {
            "region: US West = region: must match [a-z0-9-]+, got 'US West'",
            "bootstrap_servers: '' = bootstrap_servers: must not be blank",
            "wal_replication_factor: 0 = wal_replication_factor: must be -1 or 1..32767, got 0",
            "wal_min_insync_replicas: 0 = wal_min_insync_replicas: must be -1 or 1..32767, got 0",
            "max_clock_skew_ms: 0 = max_clock_skew_ms: must be >= 1, got 0",
            "sync_mode: eventually = sync_mode: must be one of async, semi-sync, sync, got 'eventually'",
            "sync_timeout_ms: soon = sync_timeout_ms: must be an integer, got 'soon'",
            "on_sync_timeout: shrug = on_sync_timeout: must be one of fail, degrade, got 'shrug'",
            "work_dir: ' ' = work_dir: must not be blank",
            "store_max_entries: 0 = store_max_entries: must be >= 1, got 0",
            "store_average_value_bytes: 8 = store_average_value_bytes: must be >= 16, got 8",
            "store_max_positions: 0 = store_max_positions: must be >= 1, got 0",
            "apply_stream_threads: 0 = apply_stream_threads: must be >= 1, got 0",
            "apply_commit_interval_ms: 5 = apply_commit_interval_ms: must be >= 10, got 5",
            "apply_max_poll_records: 0 = apply_max_poll_records: must be >= 1, got 0",
            "apply_fetch_max_wait_ms: -1 = apply_fetch_max_wait_ms: must be >= 0, got -1",
            "apply_fetch_min_bytes: 0 = apply_fetch_min_bytes: must be >= 1, got 0",
            "read_wait_ms: -1 = read_wait_ms: must be >= 0, got -1",
            "on_read_timeout: wait = on_read_timeout: must be one of fail, redirect, got 'wait'",
            "http_host: '' = http_host: must not be blank",
            "http_port: 70000 = http_port: must be 0..65535, got 70000",
            "http_route_threads: 0 = http_route_threads: must be 1..4096, got 0",
            "http_route_queue: -1 = http_route_queue: must be 0..1000000, got -1",
            "http_idle_timeout_ms: 10 = http_idle_timeout_ms: must be 100..3600000, got 10",
            "http_request_timeout_ms: 0 = http_request_timeout_ms: must be 100..3600000, got 0",
            "http_max_header_bytes: 100 = http_max_header_bytes: must be 1024..1048576, got 100",
            "schema_registry_url: '' = schema_registry_url: must not be blank",
            "wal_keyring_file: '' = wal_keyring_file: must not be blank",
            "wal_keyring_file: /nonexistent/keyring = wal_keyring_file: /nonexistent/keyring: cannot read the keyring",
            "admin_key_sha256: plaintext = admin_key_sha256: must be a SHA-256 hex digest",
            "tenant_keys_sha256: {acme: plaintext} = tenant_keys_sha256.acme: must be a SHA-256 hex digest",
            "tenant_keys_sha256: [acme] = tenant_keys_sha256: entries are tenant:sha256, got 'acme'",
            "kafka_security_protocol: TLS = kafka_security_protocol: must be one of SSL, PLAINTEXT, got 'TLS'",
    })
    void aBadValueIsRefusedByItsKey(String line, String message) throws Exception {
        String key = line.substring(0, line.indexOf(':'));
        String file = REQUIRED.lines().filter(l -> !l.startsWith(key + ":")).map(l -> l + "\n").reduce("", String::concat);
        assertThatThrownBy(() -> RegionConfig.load(yaml(file + line + "\n"), Map.of())).hasMessageStartingWith(message);
    }

    @Test
    void aKeyringThatCannotBeUsedStopsTheRegionAtStartWithoutShowingKeyMaterial() throws Exception {
        String shortKey = java.util.Base64.getEncoder().encodeToString(new byte[16]);
        Path keyring = Files.writeString(dir.resolve("short.properties"), "key.k1 = " + shortKey + "\n");
        assertThatThrownBy(() -> RegionConfig.load(yaml(REQUIRED + "wal_keyring_file: " + keyring + "\n"), Map.of()))
                .hasMessageStartingWith("wal_keyring_file: " + keyring + ": key.k1: must be 32 bytes (AES-256), got 16")
                .hasMessageNotContaining(shortKey);
    }

    @Test
    void aRegionWithoutAProtocolConnectsWithTlsAndNeedsItsStores() throws Exception {
        String noProtocol = REQUIRED.replace("kafka_security_protocol: PLAINTEXT\n", "");
        assertThatThrownBy(() -> RegionConfig.load(yaml(noProtocol), Map.of()))
                .hasMessageStartingWith("kafka_ssl_keystore: required with kafka_security_protocol=SSL");
        Path keystore = Files.writeString(dir.resolve("us-west.p12"), "k");
        assertThatThrownBy(() -> RegionConfig.load(yaml(noProtocol + "kafka_ssl_keystore: " + keystore + "\n"), Map.of()))
                .hasMessageStartingWith("kafka_ssl_truststore: required");
        assertThatThrownBy(() -> RegionConfig.load(yaml(noProtocol + "kafka_ssl_keystore: " + dir.resolve("none.p12")
                        + "\nkafka_ssl_truststore: " + keystore + "\n"), Map.of()))
                .hasMessageStartingWith("kafka_ssl_keystore: cannot read");

        // The stores' passwords from the environment, as a deployment's secrets would come; never printed.
        RegionConfig c = RegionConfig.load(yaml(noProtocol + "kafka_ssl_keystore: " + keystore + "\nkafka_ssl_truststore: "
                + keystore + "\n"), Map.of("MAIA_KAFKA_SSL_KEYSTORE_PASSWORD", "ks-secret", "MAIA_KAFKA_SSL_TRUSTSTORE_PASSWORD", "ts-secret"));
        assertThat(c.kafkaClientConfig()).containsEntry("security.protocol", "SSL")
                .containsEntry("ssl.keystore.password", "ks-secret").containsEntry("ssl.truststore.password", "ts-secret");
        assertThat(c.values().toString()).doesNotContain("ks-secret").doesNotContain("ts-secret");
        assertThat(c.kafkaSecurity().toString()).doesNotContain("secret");
    }

    @Test
    void minInsyncReplicasCannotExceedTheReplicationFactor() throws Exception {
        assertThatThrownBy(() -> RegionConfig.load(yaml(REQUIRED + "wal_replication_factor: 2\nwal_min_insync_replicas: 3\n"), Map.of()))
                .hasMessage("wal_min_insync_replicas: must be <= wal_replication_factor (2), got 3");
        assertThatThrownBy(() -> RegionConfig.load(yaml(REQUIRED + "wal_min_insync_replicas: 2\n"), Map.of()))
                .hasMessageStartingWith("wal_min_insync_replicas: must be <= wal_replication_factor (the cluster's default: set it too)");
    }

    @Test
    void anUnknownOrMissingKeyIsRefusedByName() throws Exception {
        assertThatThrownBy(() -> RegionConfig.load(yaml(REQUIRED + "max_clock_skew: 1000\n"), Map.of()))
                .hasMessageStartingWith("max_clock_skew: unknown key");
        // The partition count is the deployment's (the topology file), never one region's.
        assertThatThrownBy(() -> RegionConfig.load(yaml(REQUIRED + "wal_partitions: 6\n"), Map.of()))
                .hasMessageStartingWith("wal_partitions: unknown key");
        assertThatThrownBy(() -> RegionConfig.load(yaml("region: us-west\nbootstrap_servers: k:9092\n"), Map.of()))
                .hasMessageStartingWith("work_dir: missing");
        assertThatThrownBy(() -> RegionConfig.load(yaml(REQUIRED + "region: eu-central\n"), Map.of()))
                .hasMessageContaining("region");
    }

    @Test
    void everyKeyHasItsEnvironmentVariable() throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("MAIA_REGION", "ap-tokyo");
        env.put("MAIA_WORK_DIR", "/srv/maia");
        env.put("MAIA_ADMIN_KEY_SHA256", ApiKeyring.hash("root"));
        env.put("MAIA_SCHEMA_REGISTRY_URL", "http://registry:8080");
        env.put("MAIA_SYNC_MODE", "sync");
        env.put("MAIA_ON_SYNC_TIMEOUT", "degrade");
        env.put("MAIA_STORE_MAX_ENTRIES", "42");
        env.put("MAIA_WAL_REPLICATION_FACTOR", "3");
        env.put("MAIA_WAL_MIN_INSYNC_REPLICAS", "2");
        env.put("MAIA_TENANT_KEYS_SHA256", "acme:" + ApiKeyring.hash("a") + ",globex:" + ApiKeyring.hash("g"));
        env.put("MAIA_HTTP_HOST", "");

        RegionConfig c = RegionConfig.load(yaml(REQUIRED + "store_max_entries: 7\n"), env);

        assertThat(c.region()).isEqualTo("ap-tokyo");
        assertThat(c.applyConfig().region()).isEqualTo("ap-tokyo");
        assertThat(c.applyConfig().stateDir()).isEqualTo(Path.of("/srv/maia/streams"));
        assertThat(c.applyConfig().store().maxEntries()).as("the environment wins over the file").isEqualTo(42);
        assertThat(c.keyring().authenticate("root")).get().extracting(ApiKeyring.Principal::admin).isEqualTo(true);
        assertThat(c.keyring().authenticate("g")).get().extracting(ApiKeyring.Principal::tenant).isEqualTo("globex");
        assertThat(c.schemaRegistryUrl()).isEqualTo("http://registry:8080");
        assertThat(c.writeConfig().syncMode()).isEqualTo(SyncMode.sync);
        assertThat(c.writeConfig().degradeOnSyncTimeout()).isTrue();
        assertThat(c.writeConfig().topicReplication()).isEqualTo(new TopicReplication((short) 3, 2));
        assertThat(c.host()).as("an empty variable is unset").isEqualTo("127.0.0.1");
    }

    @Test
    void aBadEnvironmentValueNamesTheKeyAndTheVariable() throws Exception {
        assertThatThrownBy(() -> RegionConfig.load(yaml(REQUIRED), Map.of("MAIA_HTTP_PORT", "eighty")))
                .hasMessage("http_port: must be an integer, got 'eighty' (from MAIA_HTTP_PORT)");
        assertThatThrownBy(() -> RegionConfig.load(yaml(REQUIRED), Map.of("MAIA_STORE_MAX_ENTRIES", "0")))
                .hasMessage("store_max_entries: must be >= 1, got 0 (from MAIA_STORE_MAX_ENTRIES)");
    }

    @Test
    void aManagementListenerOffLoopbackWithoutAMetricsKeyIsRefusedNamingTheKey() throws Exception {
        Path file = yaml(REQUIRED + "management_host: 0.0.0.0\nmanagement_port: 9464\n");
        assertThatThrownBy(() -> RegionConfig.load(file, Map.of()))
                .hasMessageStartingWith("management_host: 0.0.0.0 is not loopback").hasMessageContaining("metrics_key");
        RegionConfig keyed = RegionConfig.load(file, Map.of("MAIA_METRICS_KEY", "scrape-me"));
        assertThat(keyed.management().port()).contains(9464);
        assertThat(keyed.management().metricsKey()).contains("scrape-me");
        // The key reads /metrics on the API port too, and is no admin or tenant key.
        assertThat(keyed.keyring().isMetricsKey("scrape-me")).isTrue();
        assertThat(keyed.keyring().authenticate("scrape-me")).isEmpty();
        // The secret is not shown where the configuration is printed.
        assertThat(keyed.values().get("metrics_key").toString()).doesNotContain("scrape-me");
    }

    @Test
    void withoutAPortThereIsNoManagementListenerAndOnLoopbackNoKeyIsNeeded() throws Exception {
        assertThat(RegionConfig.load(yaml(REQUIRED), Map.of()).management().port()).isEmpty();
        RegionConfig loopback = RegionConfig.load(yaml(REQUIRED + "management_port: 9464\n"), Map.of());
        assertThat(loopback.management().host()).isEqualTo("127.0.0.1");
        assertThat(loopback.management().metricsKey()).isEmpty();
    }
}
