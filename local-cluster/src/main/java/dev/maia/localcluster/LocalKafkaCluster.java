package dev.maia.localcluster;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

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
    /** Marks a directory as ours, so a stale one can be wiped safely and nothing else ever is. */
    private static final String MARKER = "server.properties";
    /**
     * Node ids are unique within the JVM so that the brokers' JMX app-info beans do not clash
     * (they are named after the node id).
     */
    private static final AtomicInteger NEXT_NODE_ID = new AtomicInteger(1);

    private final String name;
    private final Path dir;
    private final String bootstrapServers;
    private volatile KafkaRaftServer server;

    private LocalKafkaCluster(String name, Path dir, String bootstrapServers, KafkaRaftServer server) {
        this.name = name;
        this.dir = dir;
        this.bootstrapServers = bootstrapServers;
        this.server = server;
    }

    /**
     * Formats and starts a fresh cluster in {@code <workDir>/<name>} (a leftover directory from an earlier
     * run of this class is wiped first) and returns once an Admin call succeeds.
     */
    public static LocalKafkaCluster start(String name, Path workDir) {
        if (name == null || !name.matches("[a-zA-Z0-9._-]+")) {
            throw new IllegalArgumentException("cluster name must match [a-zA-Z0-9._-]+, got '" + name + "'");
        }
        Path dir = workDir.toAbsolutePath().resolve(name);
        RuntimeException last = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            try {
                return startOnce(name, dir);
            } catch (RuntimeException e) {
                last = e;
                log.warn("cluster {}: start attempt {}/{} failed: {}", name, attempt, START_ATTEMPTS, e.toString());
            }
        }
        throw new IllegalStateException("cluster " + name + " did not start after " + START_ATTEMPTS + " attempts", last);
    }

    private static LocalKafkaCluster startOnce(String name, Path dir) {
        long t0 = System.nanoTime();
        prepareDirectory(dir);
        int nodeId = NEXT_NODE_ID.getAndIncrement();
        int brokerPort = freeLoopbackPort();
        int controllerPort = freeLoopbackPort();
        Properties props = brokerProperties(nodeId, brokerPort, controllerPort, dir.resolve("data"));
        Path propsFile = dir.resolve(MARKER);
        writeProperties(props, propsFile);
        format(name, propsFile);

        String bootstrap = "127.0.0.1:" + brokerPort;
        KafkaRaftServer server = null;
        try {
            server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
            server.startup();
            awaitReady(name, bootstrap);
        } catch (RuntimeException e) {
            // Half-started: stop whatever threads and sockets startup() got to open before failing.
            if (server != null) {
                shutdownQuietly(name, server);
            }
            throw e;
        }
        log.info("cluster {} started at {} (controller 127.0.0.1:{}) in {} ms, data {}",
                name, bootstrap, controllerPort, (System.nanoTime() - t0) / 1_000_000, dir);
        return new LocalKafkaCluster(name, dir, bootstrap, server);
    }

    /** Broker settings for a one-node cluster: everything loopback-only and replicated once. */
    static Properties brokerProperties(int nodeId, int brokerPort, int controllerPort, Path dataDir) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(nodeId));
        p.put("controller.quorum.voters", nodeId + "@127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", dataDir.toString());
        // One broker: every internal topic must be satisfiable with a single replica.
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        // Internal topics default to 50 partitions each: creating them dominates a small cluster's start.
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.num.partitions", "5");
        p.put("share.coordinator.state.topic.num.partitions", "5");
        // The 128 MiB default dedupe buffer per cluster dominates a test JVM's heap.
        p.put("log.cleaner.dedupe.buffer.size", Integer.toString(4 * 1024 * 1024));
        // Consumer groups (Streams, MM2 workers) form at once instead of after 3 s.
        p.put("group.initial.rebalance.delay.ms", "0");
        // Every topic is created on purpose: a stray client must never create a WAL topic with the
        // broker's default partition count (a resource would map to different partitions in different regions).
        p.put("auto.create.topics.enable", "false");
        // Several brokers share this JVM's two cores: fewer threads each.
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "4");
        p.put("background.threads", "4");
        p.put("num.recovery.threads.per.data.dir", "1");
        return p;
    }

    private static void prepareDirectory(Path dir) {
        try {
            if (Files.isDirectory(dir)) {
                try (Stream<Path> s = Files.list(dir)) {
                    boolean empty = s.findAny().isEmpty();
                    if (!empty && !Files.exists(dir.resolve(MARKER))) {
                        throw new IllegalStateException(dir + " exists and is not a local cluster directory; "
                                + "refusing to wipe it");
                    }
                }
                deleteRecursively(dir);
            }
            Files.createDirectories(dir.resolve("data"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + dir, e);
        }
    }

    private static void writeProperties(Properties props, Path file) {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.ISO_8859_1)) {
            props.store(w, "generated by dev.maia.localcluster.LocalKafkaCluster");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** {@code kafka-storage.sh format}, in-process. {@code --cluster-id=} because an id may start with '-'. */
    private static void format(String name, Path propsFile) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc;
        try (PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            rc = StorageTool.execute(new String[] {"format", "--cluster-id=" + Uuid.randomUuid(),
                    "-c", propsFile.toString()}, ps);
        }
        String text = out.toString(StandardCharsets.UTF_8).trim();
        if (rc != 0) {
            throw new IllegalStateException("cluster " + name + ": storage format failed (rc " + rc + "): " + text);
        }
        log.debug("cluster {}: {}", name, text);
    }

    private static void awaitReady(String name, String bootstrap) {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000))) {
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

    static int freeLoopbackPort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1", e);
        }
    }

    public String name() {
        return name;
    }

    /** {@code 127.0.0.1:<port>}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** {@code <workDir>/<name>}: {@code server.properties} and {@code data/}. */
    public Path directory() {
        return dir;
    }

    /** Stops the broker and controller; idempotent, never throws. The data directory is kept. */
    @Override
    public void close() {
        KafkaRaftServer s;
        synchronized (this) {
            s = server;
            server = null;
        }
        if (s == null) {
            return;
        }
        long t0 = System.nanoTime();
        shutdownQuietly(name, s);
        log.info("cluster {} stopped in {} ms", name, (System.nanoTime() - t0) / 1_000_000);
    }

    private static void shutdownQuietly(String name, KafkaRaftServer server) {
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException e) {
            log.warn("cluster {}: error while stopping", name, e);
        }
    }

    /** Deletes the cluster's directory; only after {@link #close()}. */
    public void deleteData() {
        if (server != null) {
            throw new IllegalStateException("cluster " + name + " is running");
        }
        try {
            deleteRecursively(dir);
        } catch (IOException e) {
            log.warn("cluster {}: could not delete {}", name, dir, e);
        }
    }

    static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public String toString() {
        return "LocalKafkaCluster[" + name + " @ " + bootstrapServers + "]";
    }
}
