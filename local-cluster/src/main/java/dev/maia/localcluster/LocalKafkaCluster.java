package dev.maia.localcluster;

import dev.maia.localcluster.tls.LocalSecurity;
import dev.maia.schemas.topology.KafkaSecurity;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One real single-node Kafka cluster (KRaft, combined broker + controller) running inside this JVM,
 * listening on 127.0.0.1 only, with its data under {@code <workDir>/<name>}.
 *
 * <p><b>Why in-process {@link KafkaRaftServer} and not the alternatives</b> (measured here, Kafka 4.3.1,
 * 2 noisy cores, numbers are ranges):
 * <ul>
 *   <li>{@code KafkaRaftServer} in-process, formatted with {@code StorageTool} in-process (this class):
 *       first cluster in a JVM 6.3 s (class loading, includes creating a topic), each further one
 *       1.1-1.4 s; three clusters together used ~90 MB of heap after GC, ~365 MB RSS for the whole JVM;
 *       stopping three took 1.3 s.</li>
 *   <li>{@code KafkaClusterTestKit} (kafka-test-common-runtime): first 4.4 s, further ones 0.5-1.3 s,
 *       ~98 MB heap / ~380 MB RSS for three, so no faster in practice, and its
 *       {@code PreboundSocketFactoryManager} binds every listener on the wildcard address
 *       ({@code *:port} in {@code ss -ltn}) whatever the listener host says: it cannot be limited to
 *       loopback. Rejected for that.</li>
 *   <li>A child JVM per cluster ({@code StorageTool format} then {@code kafka.Kafka}): 2.7 s to format
 *       plus 3.5-7.5 s to start, ~200-420 MB RSS each at {@code -Xmx256m}. Rejected as slow and heavy
 *       for tests; it remains the way to run a broker that must outlive the JVM.</li>
 * </ul>
 * Both listeners are bound to 127.0.0.1 ({@code ss -ltnp} shows {@code [::ffff:127.0.0.1]:port}).
 * Ports are chosen by binding port 0 on loopback and releasing it; if another process takes the port
 * in between, start-up fails and is retried on fresh ports.
 *
 * <p>Caveat of in-process brokers: Kafka's fatal-fault handler terminates the whole JVM (it is built
 * for a broker process), e.g. if the data directory vanishes while the broker runs.
 */
public final class LocalKafkaCluster implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalKafkaCluster.class);

    /** How long a broker may take to answer an Admin call after start-up. */
    static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final int START_ATTEMPTS = 3;
    /** Its own controller answers at once: the bound only matters if something is badly wrong. */
    private static final Duration CONTROLLED_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);

    private final KraftNode node;
    private final LocalSecurity security;

    private LocalKafkaCluster(KraftNode node, LocalSecurity security) {
        this.node = node;
        this.security = security;
    }

    /**
     * Formats and starts a fresh cluster in {@code <workDir>/<name>} (a leftover directory from an earlier
     * run of this class is wiped first) and returns once an Admin call succeeds.
     */
    public static LocalKafkaCluster start(String name, Path workDir) {
        return start(name, workDir, LocalSecurity.plaintext());
    }

    /** {@link #start(String, Path)} with TLS listeners and ACLs when {@code security} says so. */
    public static LocalKafkaCluster start(String name, Path workDir, LocalSecurity security) {
        if (name == null || !name.matches("[a-zA-Z0-9._-]+")) {
            throw new IllegalArgumentException("cluster name must match [a-zA-Z0-9._-]+, got '" + name + "'");
        }
        Path dir = workDir.toAbsolutePath().resolve(name);
        RuntimeException last = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            try {
                return startOnce(name, dir, security);
            } catch (RuntimeException e) {
                last = e;
                log.warn("cluster {}: start attempt {}/{} failed: {}", name, attempt, START_ATTEMPTS, e.toString());
            }
        }
        throw new IllegalStateException("cluster " + name + " did not start after " + START_ATTEMPTS + " attempts", last);
    }

    private static LocalKafkaCluster startOnce(String name, Path dir, LocalSecurity security) {
        long t0 = System.nanoTime();
        KraftNode node = new KraftNode(name, dir);
        node.format(KraftSettings.combinedNode(node.nodeId(), node.brokerPort(), node.controllerPort(),
                node.voter(), 1, node.dataDirectory(), security), Uuid.randomUuid().toString());
        try {
            node.start();
            awaitReady(name, node.bootstrapServer(), security);
        } catch (RuntimeException e) {
            node.stop(Duration.ZERO);
            throw e;
        }
        log.info("cluster {} started at {} (controller 127.0.0.1:{}) in {} ms, data {}",
                name, node.bootstrapServer(), node.controllerPort(), (System.nanoTime() - t0) / 1_000_000, dir);
        return new LocalKafkaCluster(node, security);
    }

    private static void awaitReady(String name, String bootstrap, LocalSecurity security) {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        Map<String, Object> config = security.admin().clientConfig(bootstrap);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        try (Admin admin = Admin.create(config)) {
            Exception last = null;
            while (System.nanoTime() < deadline) {
                try {
                    if (!admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (Exception e) {
                    if (e instanceof InterruptedException) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("interrupted while waiting for cluster " + name, e);
                    }
                    last = e;
                }
                sleep(100);
            }
            throw new IllegalStateException("cluster " + name + " at " + bootstrap + " not ready within "
                    + READY_TIMEOUT.toSeconds() + " s", last);
        }
    }

    public String name() {
        return node.name();
    }

    /** {@code 127.0.0.1:<port>}. */
    public String bootstrapServers() {
        return node.bootstrapServer();
    }

    /** How this cluster is secured, and the certificates of its principals. */
    public LocalSecurity security() {
        return security;
    }

    /** A client configuration of the admin (a super user): for provisioning and tests. */
    public Map<String, Object> adminConfig() {
        return security.admin().clientConfig(bootstrapServers());
    }

    /** {@code <workDir>/<name>}: {@code server.properties} and {@code data/}. */
    public Path directory() {
        return node.directory();
    }

    /** Stops the broker and controller; idempotent, never throws. The data directory is kept. */
    @Override
    public void close() {
        if (!node.isRunning()) {
            return;
        }
        long t0 = System.nanoTime();
        node.stop(CONTROLLED_SHUTDOWN_TIMEOUT);
        log.info("cluster {} stopped in {} ms", node.name(), (System.nanoTime() - t0) / 1_000_000);
    }

    /**
     * Starts the cluster again after {@link #close()}, on the same node id, ports and data: a broker restart,
     * for tests of what the services above it do meanwhile. Returns once it answers an Admin call. Fails if
     * another process took one of its ports while it was stopped. Idempotent while it runs.
     */
    public void resume() {
        if (node.isRunning()) {
            return;
        }
        long t0 = System.nanoTime();
        node.start();
        awaitReady(node.name(), node.bootstrapServer(), security);
        log.info("cluster {} resumed in {} ms", node.name(), (System.nanoTime() - t0) / 1_000_000);
    }

    /** Deletes the cluster's directory; only after {@link #close()}. */
    public void deleteData() {
        node.deleteData();
    }

    static void deleteRecursively(Path root) throws IOException {
        KraftNode.deleteRecursively(root);
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public String toString() {
        return "LocalKafkaCluster[" + node.name() + " @ " + node.bootstrapServer() + "]";
    }
}
