package dev.maia.localcluster;

import dev.maia.control.security.AclPlan;
import dev.maia.control.security.Principals;
import dev.maia.localcluster.tls.DeploymentCa;
import dev.maia.localcluster.tls.LocalSecurity;
import dev.maia.schemas.topology.KafkaSecurity;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Two regions' clusters with TLS, client certificates and the deployment's ACLs, probed with raw Kafka
 * clients the way an attacker who reaches a broker would: without a certificate, with one from another
 * CA, and with each principal's own certificate against topics it must not write.
 */
class KafkaTlsAclTest {

    private static final List<String> REGIONS = List.of("a", "b");
    private static Path work;
    private static LocalSecurity security;
    private static LocalKafkaCluster a;
    private static LocalKafkaCluster b;

    @BeforeAll
    static void start() throws Exception {
        work = Files.createTempDirectory("maia-tls-acl");
        security = LocalSecurity.tls(work.resolve("certs"));
        a = LocalKafkaCluster.start("a", work, security);
        b = LocalKafkaCluster.start("b", work, security);
        for (LocalKafkaCluster c : List.of(a, b)) {
            try (Admin admin = Admin.create(c.adminConfig())) {
                AclPlan.apply(admin, AclPlan.regionCluster(c.name(), REGIONS), 30_000);
                admin.createTopics(List.of(new NewTopic("maia.wal.t1", 1, (short) 1),
                        new NewTopic(other(c.name()) + ".maia.wal.t1", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            }
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (b != null) {
            b.close();
        }
        if (a != null) {
            a.close();
        }
        KraftNode.deleteRecursively(work);
    }

    private static String other(String region) {
        return region.equals("a") ? "b" : "a";
    }

    @Test
    void aPlaintextClientIsRefused() {
        Map<String, Object> config = KafkaSecurity.plaintext().clientConfig(a.bootstrapServers());
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3_000);
        try (Admin admin = Admin.create(config)) {
            assertThatThrownBy(() -> admin.listTopics().names().get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class);
        }
        // The same call with a certificate answers: the refusal above is the missing TLS, not a dead broker.
        assertThat(topicsSeenBy(security.admin(), a)).contains("maia.wal.t1");
    }

    @Test
    void aCertificateFromAnotherCaIsRefused() {
        KafkaSecurity forged = DeploymentCa.create("attacker-ca", work.resolve("attacker")).issue(Principals.ADMIN);
        // Its own truststore trusts only the attacker's CA: the broker's certificate is refused on the client side ...
        Map<String, Object> config = forged.clientConfig(a.bootstrapServers());
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3_000);
        try (Admin admin = Admin.create(config)) {
            assertThatThrownBy(() -> admin.listTopics().names().get(10, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(SslAuthenticationException.class);
        }
        // ... and trusting the real CA does not help it: the broker refuses the client's certificate.
        Map<String, Object> trusting = new KafkaSecurity(KafkaSecurity.SSL, forged.keystore(), forged.keystorePassword(),
                security.admin().truststore(), security.admin().truststorePassword()).clientConfig(a.bootstrapServers());
        trusting.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
        trusting.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3_000);
        try (Admin admin = Admin.create(trusting)) {
            assertThatThrownBy(() -> admin.listTopics().names().get(10, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(SslAuthenticationException.class);
        }
    }

    @Test
    void mirrorMakersPrincipalWritesOnlyTheCopies() throws Exception {
        assertThatThrownBy(() -> send(security.mirror(), a, "maia.wal.t1"))
                .hasCauseInstanceOf(TopicAuthorizationException.class);
        send(security.mirror(), a, "b.maia.wal.t1");
        // It reads what it copies out of a region.
        assertThat(topicsSeenBy(security.mirror(), a)).contains("maia.wal.t1");
    }

    @Test
    void aRegionsServiceCannotWriteAnotherRegionsLog() throws Exception {
        KafkaSecurity regionA = security.region("a");
        // Its own log, in its own cluster: yes.
        send(regionA, a, "maia.wal.t1");
        // b's log as copied into a: no. b's own log, in b's cluster: no.
        assertThatThrownBy(() -> send(regionA, a, "b.maia.wal.t1"))
                .hasCauseInstanceOf(TopicAuthorizationException.class);
        // In b's cluster it may only read b's logs (its lag probe): refused at the cluster already.
        assertThatThrownBy(() -> send(regionA, b, "maia.wal.t1"))
                .hasCauseInstanceOf(ClusterAuthorizationException.class);
        // It reads the copies it applies.
        assertThat(read(regionA, a, "b.maia.wal.t1")).isGreaterThanOrEqualTo(0);
    }

    @Test
    void theMonitorReadsButWritesNothing() throws Exception {
        send(security.admin(), b, "maia.wal.t1");
        assertThat(read(security.monitor(), b, "maia.wal.t1")).isGreaterThan(0);
        // Refused at the cluster already (no idempotent write), and at the topic.
        assertThatThrownBy(() -> send(security.monitor(), b, "maia.wal.t1"))
                .hasCauseInstanceOf(ClusterAuthorizationException.class);
    }

    @Test
    void keyFilesAreOwnerOnly() throws Exception {
        Path keystore = Path.of(security.region("a").keystore());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keystore))).isEqualTo("rw-------");
    }

    private static List<String> topicsSeenBy(KafkaSecurity who, LocalKafkaCluster cluster) {
        try (Admin admin = Admin.create(who.clientConfig(cluster.bootstrapServers()))) {
            return List.copyOf(admin.listTopics().names().get(30, TimeUnit.SECONDS));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static void send(KafkaSecurity who, LocalKafkaCluster cluster, String topic) throws Exception {
        Map<String, Object> config = who.clientConfig(cluster.bootstrapServers());
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, "k", "v")).get(30, TimeUnit.SECONDS);
        }
    }

    /** Records read from the topic's one partition from the start, assigned (no group). */
    private static int read(KafkaSecurity who, LocalKafkaCluster cluster, String topic) {
        Map<String, Object> config = who.clientConfig(cluster.bootstrapServers());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            TopicPartition p = new TopicPartition(topic, 0);
            consumer.assign(List.of(p));
            consumer.seekToBeginning(List.of(p));
            long end = consumer.endOffsets(List.of(p), Duration.ofSeconds(30)).get(p);
            int n = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (consumer.position(p, Duration.ofSeconds(30)) < end && System.nanoTime() < deadline) {
                ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(500));
                n += records.count();
            }
            return n;
        }
    }
}
