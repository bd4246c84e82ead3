package dev.maia.cli;

import dev.maia.control.config.ManagementKeys;
import dev.maia.mirror.MirrorConfig;
import dev.maia.mirror.MirrorOptions;
import dev.maia.mirror.MirrorSupervisor;
import dev.maia.schemas.topology.KafkaSecurity;
import dev.maia.schemas.topology.RegionSpec;
import dev.maia.schemas.topology.Topology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** maia mirror's settings: its optional YAML file and MAIA_ variables, refused by key name; no Kafka. */
class MirrorCommandTest {
    private static final String EVERY_KEY = """
            mirror_replication_factor: 3
            mirror_refresh_topics_interval_seconds: 7
            mirror_sync_topic_configs_interval_seconds: 11
            mirror_emit_heartbeats_interval_seconds: 13
            mirror_tasks_max: 4
            mirror_producer_linger_ms: 5
            mirror_consumer_fetch_max_wait_ms: 250
            mirror_offset_flush_interval_ms: 15000
            mirror_restart_after_ms: 90000
            management_host: 127.0.0.1
            management_port: 9464
            metrics_key: scrape
            kafka_security_protocol: PLAINTEXT
            kafka_ssl_keystore: /etc/maia/mm2.p12
            kafka_ssl_keystore_password: ks-secret
            kafka_ssl_truststore: /etc/maia/ca.p12
            kafka_ssl_truststore_password: ts-secret
            """;

    @TempDir
    Path dir;

    private Path yaml(String text) throws Exception {
        return Files.writeString(dir.resolve("mirror.yaml"), text);
    }

    @Test
    void aFileWithEveryKeyLoads() throws Exception {
        assertThat(EVERY_KEY.lines().map(l -> l.substring(0, l.indexOf(':'))))
                .as("a new key belongs in this file too").containsExactlyInAnyOrderElementsOf(MirrorOptions.CONFIG_DEF.names());

        MirrorOptions o = MirrorCommand.options(yaml(EVERY_KEY), Map.of());

        assertEveryKeySet(o);
    }

    @Test
    void everyKeyHasItsEnvironmentVariableWhichWinsOverTheFile() throws Exception {
        Map<String, String> env = new HashMap<>();
        EVERY_KEY.lines().forEach(l -> env.put(EnvironmentOverrides.variable(l.substring(0, l.indexOf(':'))),
                l.substring(l.indexOf(':') + 1).trim()));
        env.put("MAIA_JAVA_OPTS", "-Xmx1g");

        assertEveryKeySet(MirrorCommand.options(null, env));
        assertThat(MirrorCommand.options(yaml("mirror_replication_factor: 2\nmirror_tasks_max: 6\nkafka_security_protocol: PLAINTEXT\n"),
                Map.of("MAIA_MIRROR_REPLICATION_FACTOR", "3", "MAIA_MIRROR_TASKS_MAX", "")))
                .satisfies(o -> assertThat(o.replicationFactor()).as("the environment wins").isEqualTo((short) 3))
                .satisfies(o -> assertThat(o.tasksMax()).as("an empty variable is unset").isEqualTo(6));
    }

    private static void assertEveryKeySet(MirrorOptions o) {
        assertThat(o.replicationFactor()).isEqualTo((short) 3);
        assertThat(o.refreshTopicsIntervalSeconds()).isEqualTo(7);
        assertThat(o.syncTopicConfigsIntervalSeconds()).isEqualTo(11);
        assertThat(o.emitHeartbeatsIntervalSeconds()).isEqualTo(13);
        assertThat(o.tasksMax()).isEqualTo(4);
        assertThat(o.producerLingerMs()).isEqualTo(5);
        assertThat(o.consumerFetchMaxWaitMs()).isEqualTo(250);
        assertThat(o.offsetFlushIntervalMs()).isEqualTo(15_000);
        assertThat(o.restartAfter()).isEqualTo(Duration.ofSeconds(90));
        assertThat(o.management()).isEqualTo(new ManagementKeys.Listener("127.0.0.1", Optional.of(9464), Optional.of("scrape")));
        // PLAINTEXT said: the stores are not used (nor read).
        assertThat(o.kafkaSecurity()).isEqualTo(KafkaSecurity.plaintext());
    }

    @Test
    void theMirrorsManagementListenerServesItsTaskStatesBehindTheMetricsKeyAndHealthSaysWhetherTheyRun() throws Exception {
        Topology two = new Topology(List.of(new RegionSpec("us-west", "127.0.0.1:9001", null),
                new RegionSpec("eu-central", "127.0.0.1:9002", null))).withControl("127.0.0.1:9100");
        MirrorOptions options = MirrorOptions.of(Map.of("management_port", "0", "metrics_key", "scrape",
                "kafka_security_protocol", "PLAINTEXT"));
        MirrorSupervisor notStarted = MirrorSupervisor.of(MirrorConfig.generate(two, options), List.of(), options);
        try (MirrorManagement management = new MirrorManagement(notStarted, options)) {
            management.start();
            assertThat(management.describe()).contains("management (/metrics, /health) on http://127.0.0.1:");
            MaiaClient client = new MaiaClient();
            assertThat(client.send("GET", management.endpoint() + "/metrics", null, null).status()).isEqualTo(401);
            assertThat(client.raw("GET", management.endpoint() + "/metrics", "scrape", null).statusCode()).isEqualTo(200);
            // MirrorMaker is not running: nothing runs, which is not healthy.
            MaiaClient.Reply health = client.send("GET", management.endpoint() + "/health", null, null);
            assertThat(health.status()).isEqualTo(503);
            assertThat(health.body().get("status").asText()).isEqualTo("starting");
            assertThat(health.body().get("restarts").asLong()).isZero();
            assertThat(client.raw("GET", management.endpoint() + "/metrics", "scrape", null).body())
                    .contains("maia_mirror_restarts_total 0.0");
        }
    }

    @Test
    void noFileTakesTheDocumentedDefaults() {
        // Every default but one: MM2's identity has none but TLS, with its certificate (or PLAINTEXT said).
        assertThatThrownBy(() -> MirrorCommand.options(null, Map.of()))
                .hasMessageStartingWith("kafka_ssl_keystore: required with kafka_security_protocol=SSL");
        MirrorOptions o = MirrorCommand.options(null, Map.of("MAIA_KAFKA_SECURITY_PROTOCOL", "PLAINTEXT"));

        assertThat(o.replicationFactor()).isEqualTo((short) -1);
        assertThat(o.refreshTopicsIntervalSeconds()).isEqualTo(2);
        assertThat(ConfigurationDoc.render())
                .contains("| `mirror_replication_factor` | int | `-1` | -1 or [1,...,32767] | `MAIA_MIRROR_REPLICATION_FACTOR` |")
                .contains("| `mirror_refresh_topics_interval_seconds` | long | `2` |");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '=', value = {
            "mirror_replication_factor: 0 = mirror_replication_factor: must be -1 or 1..32767, got 0",
            "mirror_replication_factor: three = mirror_replication_factor: must be an integer, got 'three'",
            "mirror_refresh_topics_interval_seconds: 0 = mirror_refresh_topics_interval_seconds: must be >= 1, got 0",
            "mirror_sync_topic_configs_interval_seconds: -1 = mirror_sync_topic_configs_interval_seconds: must be >= 1, got -1",
            "mirror_emit_heartbeats_interval_seconds: 0 = mirror_emit_heartbeats_interval_seconds: must be >= 1, got 0",
            "mirror_tasks_max: 0 = mirror_tasks_max: must be >= 1, got 0",
            "mirror_producer_linger_ms: -5 = mirror_producer_linger_ms: must be >= 0, got -5",
            "mirror_consumer_fetch_max_wait_ms: soon = mirror_consumer_fetch_max_wait_ms: must be an integer, got 'soon'",
            "mirror_offset_flush_interval_ms: 0 = mirror_offset_flush_interval_ms: must be >= 1, got 0",
            "mirror_restart_after_ms: 5000 = mirror_restart_after_ms: must be 0 or >= 10000, got 5000",
            "replication_factor: 3 = replication_factor: unknown key",
            "wal_replication_factor: 3 = wal_replication_factor: unknown key",
    })
    void aBadValueOrKeyIsRefusedByItsKey(String line, String message) throws Exception {
        Path file = yaml(line + "\n");
        assertThatThrownBy(() -> MirrorCommand.options(file, Map.of())).hasMessageStartingWith(message);
    }

    @Test
    void aBadEnvironmentValueNamesTheKeyAndTheVariable() {
        assertThatThrownBy(() -> MirrorCommand.options(null, Map.of("MAIA_MIRROR_TASKS_MAX", "many")))
                .hasMessage("mirror_tasks_max: must be an integer, got 'many' (from MAIA_MIRROR_TASKS_MAX)");
    }

    @Test
    void propertiesOutCarriesTheMirrorConfig() throws Exception {
        Path topology = dir.resolve("topology.yaml");
        new Topology(List.of(new RegionSpec("us-west", "127.0.0.1:9001", null),
                new RegionSpec("eu-central", "127.0.0.1:9002", null))).withControl("127.0.0.1:9100").write(topology);
        Path out = dir.resolve("mm2.properties");

        int exit = maia("mirror", "--topology", topology.toString(), "--mirror-config", yaml(EVERY_KEY).toString(),
                "--properties-out", out.toString());

        assertThat(exit).isZero();
        Properties written = new Properties();
        try (Reader r = Files.newBufferedReader(out, StandardCharsets.ISO_8859_1)) {
            written.load(r);
        }
        MirrorConfig.REPLICATION_FACTOR_KEYS.forEach(k -> assertThat(written.getProperty(k)).as(k).isEqualTo("3"));
        assertThat(written.getProperty("refresh.topics.interval.seconds")).isEqualTo("7");
        assertThat(written.getProperty("eu-central.offset.flush.interval.ms")).isEqualTo("15000");
        assertThat(written.getProperty("us-west->eu-central.maia.control.bootstrap.servers")).isEqualTo("127.0.0.1:9100");
        assertThat(written.getProperty("us-west.security.protocol")).isEqualTo("PLAINTEXT");
        assertThat(written.getProperty("eu-central.security.protocol")).isEqualTo("PLAINTEXT");
        assertThat(written.getProperty("us-west->eu-central.maia.control.security.protocol")).isEqualTo("PLAINTEXT");
    }

    @Test
    void theTopologyIsStillTakenAsTheHiddenConfigOfTheCommandTable() throws Exception {
        Path topology = dir.resolve("topology.yaml");
        new Topology(List.of(new RegionSpec("a", "127.0.0.1:1", null), new RegionSpec("b", "127.0.0.1:2", null))).withControl("127.0.0.1:3").write(topology);
        Path out = dir.resolve("mm2.properties");

        assertThat(maia("mirror", "--config", topology.toString(), "--mirror-config", yaml("kafka_security_protocol: PLAINTEXT\n").toString(),
                "--properties-out", out.toString())).isZero();
        assertThat(Files.readString(out, StandardCharsets.ISO_8859_1)).contains("a->b.enabled=true");
    }

    @Test
    void aTargetOutsideTheTopologyIsRefusedByName() throws Exception {
        Path topology = dir.resolve("topology.yaml");
        new Topology(List.of(new RegionSpec("a", "127.0.0.1:1", null), new RegionSpec("b", "127.0.0.1:2", null))).withControl("127.0.0.1:3").write(topology);
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new MaiaCommand());
        cli.setOut(new PrintWriter(new StringWriter(), true));
        cli.setErr(new PrintWriter(err, true));

        int exit = cli.execute("mirror", "--topology", topology.toString(), "--target", "c",
                "--properties-out", dir.resolve("mm2.properties").toString());

        assertThat(exit).isNotZero();
        assertThat(err.toString()).contains("region 'c' is not in the topology");
        assertThat(dir.resolve("mm2.properties")).doesNotExist();
    }

    private static int maia(String... args) {
        CommandLine cli = new CommandLine(new MaiaCommand());
        cli.setOut(new PrintWriter(new StringWriter(), true));
        return cli.execute(args);
    }
}
