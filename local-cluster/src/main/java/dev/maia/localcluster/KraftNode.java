package dev.maia.localcluster;

import kafka.server.BrokerServer;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * One KRaft node (combined broker + controller) in this JVM, with its settings and data under one
 * directory: formatted once, then started and stopped as often as wanted with the same id, ports and data.
 * The building block of {@link LocalKafkaCluster} (one node) and {@link LocalControlCluster} (one per
 * region).
 *
 * <p>The directory holds {@code server.properties} (the marker that makes it ours: a leftover directory
 * with it is wiped before formatting, any other non-empty directory is refused) and {@code data/}.
 */
final class KraftNode {

    private static final Logger log = LoggerFactory.getLogger(KraftNode.class);
    /** Marks a directory as ours, so a stale one can be wiped safely and nothing else ever is. */
    static final String MARKER = "server.properties";
    /**
     * Node ids are unique within the JVM so that the brokers' JMX app-info beans do not clash
     * (they are named after the node id).
     */
    private static final AtomicInteger NEXT_NODE_ID = new AtomicInteger(1);

    static {
        EmbeddedExit.install();
    }

    private final String name;
    private final int nodeId;
    private final int brokerPort;
    private final int controllerPort;
    private final Path dir;
    private Properties settings;
    private volatile KafkaRaftServer server;

    /** A node with a fresh JVM-unique id and two free loopback ports; nothing is written or started yet. */
    KraftNode(String name, Path dir) {
        this.name = name;
        this.dir = dir;
        this.nodeId = NEXT_NODE_ID.getAndIncrement();
        this.brokerPort = freeLoopbackPort();
        this.controllerPort = freeLoopbackPort();
    }

    String name() {
        return name;
    }

    int nodeId() {
        return nodeId;
    }

    Path directory() {
        return dir;
    }

    Path dataDirectory() {
        return dir.resolve("data");
    }

    /** {@code 127.0.0.1:<broker port>}. */
    String bootstrapServer() {
        return "127.0.0.1:" + brokerPort;
    }

    int brokerPort() {
        return brokerPort;
    }

    int controllerPort() {
        return controllerPort;
    }

    /** This node's entry in {@code controller.quorum.voters}. */
    String voter() {
        return KraftSettings.voter(nodeId, controllerPort);
    }

    boolean isRunning() {
        return server != null;
    }

    /**
     * Wipes a leftover directory of ours, writes {@code settings} as {@code server.properties} and formats
     * the storage ({@code kafka-storage.sh format}, in-process) with {@code clusterId}; every node of one
     * cluster gets the same id.
     */
    synchronized void format(Properties settings, String clusterId) {
        prepareDirectory(dir);
        Path propsFile = dir.resolve(MARKER);
        writeProperties(settings, propsFile);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc;
        try (PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            // --cluster-id= because an id may start with '-'.
            rc = StorageTool.execute(new String[] {"format", "--cluster-id=" + clusterId,
                    "-c", propsFile.toString()}, ps);
        }
        String text = out.toString(StandardCharsets.UTF_8).trim();
        if (rc != 0) {
            throw new IllegalStateException("node " + name + ": storage format failed (rc " + rc + "): " + text);
        }
        log.debug("node {}: {}", name, text);
        this.settings = settings;
    }

    /**
     * Starts the node on its formatted data and returns once its broker is registered and unfenced, which
     * needs a controller quorum: in a cluster of several nodes, a majority of them must be starting or
     * running. Bounded by {@link KraftSettings#MAX_STARTUP}. On failure whatever started is stopped again.
     */
    void start() {
        KafkaRaftServer s;
        synchronized (this) {
            if (settings == null) {
                throw new IllegalStateException("node " + name + " is not formatted");
            }
            if (server != null) {
                return;
            }
            s = new KafkaRaftServer(KafkaConfig.fromProps(settings, false), Time.SYSTEM);
            server = s;
        }
        try {
            s.startup();
        } catch (RuntimeException | Error e) {
            // Half-started: stop whatever threads and sockets startup() got to open before failing.
            synchronized (this) {
                server = null;
            }
            shutdown(s, Duration.ZERO);
            throw e;
        }
    }

    /**
     * Stops the node; its data is kept. A graceful (controlled) shutdown asks the controller quorum to move
     * leadership away first; it waits at most {@code controlledShutdownTimeout} for that, and then stops
     * anyway (pass zero when no quorum can answer: Kafka's own bound is five minutes). Idempotent, never throws.
     */
    void stop(Duration controlledShutdownTimeout) {
        KafkaRaftServer s;
        synchronized (this) {
            s = server;
            server = null;
        }
        if (s != null) {
            shutdown(s, controlledShutdownTimeout);
        }
    }

    private void shutdown(KafkaRaftServer s, Duration controlledShutdownTimeout) {
        try {
            shutdownBroker(s, controlledShutdownTimeout);
            s.shutdown();
            s.awaitShutdown();
        } catch (RuntimeException e) {
            log.warn("node {}: error while stopping", name, e);
        }
    }

    /**
     * {@code KafkaRaftServer.shutdown()} stops its broker with a five-minute bound on the controlled
     * shutdown, which a node whose quorum is gone waits out in full. The broker's own
     * {@code shutdown(Duration)} takes the bound; the server's later {@code shutdown()} then finds the
     * broker stopped. The broker is a private field of the server, hence reflection; should it fail (a
     * Kafka upgrade renamed the field), the server's shutdown does all of it, only slower without a quorum.
     */
    private void shutdownBroker(KafkaRaftServer s, Duration controlledShutdownTimeout) {
        Object broker;
        try {
            Field f = KafkaRaftServer.class.getDeclaredField("broker");
            f.setAccessible(true);
            scala.Option<?> option = (scala.Option<?>) f.get(s);
            broker = option.isDefined() ? option.get() : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.warn("node {}: cannot reach the broker to bound its controlled shutdown: {}", name, e.toString());
            return;
        }
        if (broker instanceof BrokerServer b) {
            b.shutdown(controlledShutdownTimeout);
        }
    }

    /** Deletes the node's directory; only while it is stopped. */
    void deleteData() {
        if (server != null) {
            throw new IllegalStateException("node " + name + " is running");
        }
        try {
            deleteRecursively(dir);
        } catch (IOException e) {
            log.warn("node {}: could not delete {}", name, dir, e);
        }
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
            props.store(w, "generated by dev.maia.localcluster");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /**
     * A port that was free on 127.0.0.1 a moment ago (bound to port 0 and released). Another process may
     * take it in between: the start then fails and the callers retry on fresh ports.
     */
    static int freeLoopbackPort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1", e);
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

    @Override
    public String toString() {
        return name + "(node " + nodeId + " @ " + bootstrapServer() + ")";
    }
}
