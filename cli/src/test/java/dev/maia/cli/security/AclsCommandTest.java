package dev.maia.cli.security;

import dev.maia.schemas.topology.OwnerOnlyFiles;
import com.fasterxml.jackson.databind.JsonNode;
import dev.maia.localcluster.LocalKafkaCluster;
import dev.maia.localcluster.tls.LocalSecurity;
import dev.maia.schemas.http.Json;
import dev.maia.schemas.topology.KafkaSecurity;
import dev.maia.schemas.topology.RegionSpec;
import dev.maia.schemas.topology.Topology;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.maia.cli.security.CertsCommandTest.maia;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code maia acls} against a real cluster with TLS, client certificates and the standard authorizer (deny by
 * default): before {@code apply} a region's service can do nothing, after it the service writes its own log
 * and MirrorMaker 2 still cannot; {@code list} shows what was created; an admin certificate from another CA
 * changes nothing.
 */
class AclsCommandTest {

    private static Path work;
    private static LocalSecurity security;
    private static LocalKafkaCluster cluster;
    private static Path topology;
    private static List<String> admin;

    @BeforeAll
    static void start() throws Exception {
        work = Files.createTempDirectory("maia-acls-cli");
        security = LocalSecurity.tls(work.resolve("ca"));
        cluster = LocalKafkaCluster.start("a", work, security);
        try (Admin a = Admin.create(cluster.adminConfig())) {
            a.createTopics(List.of(new NewTopic("maia.wal.t1", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        topology = work.resolve("topology.yaml");
        new Topology(List.of(new RegionSpec("a", cluster.bootstrapServers(), null), new RegionSpec("b", "127.0.0.1:1", null)))
                .write(topology);
        // The admin's stores as an existing CA would hand them over: files, and the passwords in files.
        KafkaSecurity a = security.admin();
        Path keystorePassword = OwnerOnlyFiles.writeSecret(work.resolve("admin.password"), a.keystorePassword());
        Path truststorePassword = OwnerOnlyFiles.writeSecret(work.resolve("trust.password"), a.truststorePassword());
        admin = List.of("--keystore", a.keystore(), "--keystore-password-file", keystorePassword.toString(),
                "--truststore", a.truststore(), "--truststore-password-file", truststorePassword.toString());
    }

    @AfterAll
    static void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
        try (var files = Files.walk(work)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static CertsCommandTest.Run acls(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(admin);
        return maia(all.toArray(String[]::new));
    }

    private static List<JsonNode> listed() throws Exception {
        CertsCommandTest.Run list = acls("acls", "list", "--topology", topology.toString(), "--cluster", "a", "--json");
        assertThat(list.exit()).as(list.err()).isZero();
        List<JsonNode> rows = new ArrayList<>();
        Json.MAPPER.readTree(list.out()).forEach(rows::add);
        return rows;
    }

    @Test
    void applyLetsEachPrincipalDoWhatThePlanSaysAndNothingElse() throws Exception {
        // Deny by default: before apply, a region's own service cannot write its own log.
        assertThatThrownBy(() -> send(security.region("a"), "maia.wal.t1")).hasCauseInstanceOf(AuthorizationException.class);
        assertThat(listed()).isEmpty();

        CertsCommandTest.Run apply = acls("acls", "apply", "--topology", topology.toString(), "--cluster", "a");
        assertThat(apply.exit()).as(apply.err()).isZero();
        assertThat(apply.out()).contains("User:maia-region-a", "User:maia-mirror", "User:maia-monitor");

        send(security.region("a"), "maia.wal.t1");
        // MirrorMaker 2 writes only copies; region b's service only reads a's logs (its lag probe).
        assertThatThrownBy(() -> send(security.mirror(), "maia.wal.t1")).hasCauseInstanceOf(AuthorizationException.class);
        assertThatThrownBy(() -> send(security.region("b"), "maia.wal.t1")).hasCauseInstanceOf(AuthorizationException.class);

        List<JsonNode> rows = listed();
        assertThat(rows).anySatisfy(r -> {
            assertThat(r.get("principal").asText()).isEqualTo("User:maia-region-a");
            assertThat(r.get("resource_type").asText()).isEqualTo("TOPIC");
            assertThat(r.get("pattern_type").asText()).isEqualTo("PREFIXED");
            assertThat(r.get("resource").asText()).isEqualTo("maia.");
            assertThat(r.get("operation").asText()).isEqualTo("ALL");
            assertThat(r.get("permission").asText()).isEqualTo("ALLOW");
        });
        assertThat(rows).filteredOn(r -> r.get("principal").asText().equals("User:maia-region-b"))
                .isNotEmpty()
                .allSatisfy(r -> assertThat(r.get("operation").asText()).isIn("READ", "DESCRIBE"));

        // Again: nothing is created twice (compose/up applies at every start).
        assertThat(acls("acls", "apply", "--topology", topology.toString(), "--cluster", "a").exit()).isZero();
        assertThat(listed()).hasSameSizeAs(rows);

        CertsCommandTest.Run table = acls("acls", "list", "--topology", topology.toString(), "--cluster", "a");
        assertThat(table.out()).contains("PRINCIPAL").contains("User:maia-region-a").contains("maia.");
    }

    @Test
    void anAdminCertificateFromAnotherCaIsRefusedAndNothingIsCreated() throws Exception {
        Path other = work.resolve("other-ca");
        assertThat(maia("certs", "--topology", topology.toString(), "--out", other.toString()).exit()).isZero();
        int before = listed().size();

        CertsCommandTest.Run apply = maia("acls", "apply", "--topology", topology.toString(), "--cluster", "a",
                "--certs", other.toString(), "--timeout", "10");

        assertThat(apply.exit()).isNotZero();
        assertThat(apply.err()).containsIgnoringCase("SSL");
        assertThat(listed()).hasSize(before);
    }

    @Test
    void withoutTheAdminsCertificateTheCommandSaysWhatIsMissing() {
        CertsCommandTest.Run run = maia("acls", "apply", "--topology", topology.toString(), "--cluster", "a");
        assertThat(run.exit()).isNotZero();
        assertThat(run.err()).contains("--certs DIR").contains("--keystore");
    }

    private static void send(KafkaSecurity who, String topic) throws Exception {
        Map<String, Object> config = who.clientConfig(cluster.bootstrapServers());
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, "k", "v")).get(30, TimeUnit.SECONDS);
        }
    }
}
