package dev.maia.localcluster;

import dev.maia.localcluster.tls.LocalSecurity;
import dev.maia.schemas.topology.KafkaSecurity;
import dev.maia.schemas.topology.RegionSpec;
import dev.maia.schemas.topology.Topology;
import dev.maia.schemas.topology.TopologyException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The control cluster of N local regions: one Kafka cluster "stretched" over them, one KRaft node
 * (combined broker + controller) per region, named {@code control-<region>}, all in this JVM, listening
 * on 127.0.0.1 only, with data under {@code <workDir>/control-<region>}. It is where the totally ordered
 * control log lives (placement changes, leases): a static controller quorum of all N nodes, and cluster
 * defaults made for such a log: every topic (internal ones included) replicated on all N nodes,
 * {@code min.insync.replicas} a majority (N/2+1), no unclean leader election. With {@code acks=all} a write
 * is acknowledged once a majority holds it, and a node that missed it never becomes leader.
 *
 * <p>{@link #stopNode} and {@link #startNode} take a region's node away (a graceful shutdown: leadership
 * moves first, data kept) and give it back with the same node id, ports and data. With a majority stopped
 * the survivors have no controller quorum and no in-sync majority: an {@code acks=all} write is refused
 * ({@code NotEnoughReplicasException}) and nothing changes in the metadata until a majority runs again; a
 * restarted node rejoins the quorum as soon as it and the survivors are a majority. A start that cannot
 * reach a majority is refused up front rather than left to hang. Mind producers: a broker hands out
 * producer ids in blocks it gets from the controller, so an idempotent (or transactional) producer created
 * while no quorum exists may wait for its id with no bound ({@code delivery.timeout.ms} does not cover it;
 * seen here: a {@code send().get()} blocked for 15 minutes); keep a producer from a healthy moment, and
 * bound every wait on a send.
 *
 * <p>Measured here (Kafka 4.3.1, Java 17, 2 shared cores with a load average of 5-7, surefire's
 * {@code -Xmx2g}; 2026-12-03; times are ranges):
 * <ul>
 *   <li>start of three nodes, the first Kafka in the JVM: 3.5-4.5 s (class loading included);</li>
 *   <li>start with three regional {@link LocalKafkaCluster}s already running: 2.7-3.0 s. {@link LocalRegions}
 *       starts it while MM2 starts: three regions up and mirroring took 10.1-13.3 s with it and
 *       11.6-13.9 s without it (five runs, load average 10-13), no measurable cost; closing took 8-11 s
 *       either way (MM2's stop dominates, the control cluster closes beside it). In the whole demo, whose
 *       MAIA processes start right after, it added 2-6 s to "regions up" and 0.15-0.4 GB of RSS
 *       ({@code docs/architecture.md} §9);</li>
 *   <li>memory of three nodes: +46 to +62 MB of heap after GC, +141 to +261 MB of RSS (alone in a JVM:
 *       67 MB heap, 312 MB RSS for the whole JVM); ~68 threads per node, as many as a regional cluster
 *       (same settings, {@link KraftSettings});</li>
 *   <li>{@link #stopNode}: 0.2-1.1 s (graceful); {@link #startNode}: 0.4-0.8 s, once 8.8 s under load;
 *       {@link #startNodes} of all three after all were stopped: ~10 s (see below);
 *       {@link #close()}: 5-6 s, with a majority already stopped 5.1-5.3 s.</li>
 * </ul>
 * How these were taken: {@code LocalControlClusterTest} and {@code LocalRegionsControlClusterTest} log
 * every start and stop ({@code target/surefire-reports/*-output.txt}); heap (used after three
 * {@code System.gc()}), RSS ({@code VmRSS} of {@code /proc/self/status}) and thread counts by a throwaway
 * JUnit class that started one cluster alone, then three regional clusters and three control clusters
 * after one another.
 *
 * <p>Why {@link #close()} takes 5 s: the last voter to stop has no other voter to hand the Raft
 * leadership to and waits out Kafka's fixed 5 s graceful Raft shutdown ({@code KafkaRaftClientDriver},
 * not configurable; it logs "Graceful shutdown of RaftClient failed"). A node stopped without a quorum
 * also skips its controlled shutdown (Kafka would wait five minutes for a controller; it logs "Timed out
 * waiting for the controller to approve controlled shutdown"), so its broker registration is not ended:
 * when it starts again within {@code broker.session.timeout.ms} (9 s) the controller refuses the new
 * registration until the old session expires, hence the ~10 s restart after a full stop.
 *
 * <p>Ports are chosen once, like {@link LocalKafkaCluster}'s; a restarted node binds the same ports again,
 * so if another process took one of them while the node was stopped, {@link #startNode} fails.
 */
public final class LocalControlCluster implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalControlCluster.class);

    /** How long after its nodes have started the cluster may take to accept a replicated write. */
    static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final int START_ATTEMPTS = 3;
    /** A controlled shutdown with a quorum takes well under a second here. */
    private static final Duration CONTROLLED_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);
    /** Created to prove that the cluster takes replicated writes, then deleted. */
    private static final String READY_PROBE_TOPIC = "local-control-cluster.ready";

    /** Region to node, in the order given. */
    private final Map<String, KraftNode> nodes;
    private boolean closed;

    private final LocalSecurity security;

    private LocalControlCluster(Map<String, KraftNode> nodes, LocalSecurity security) {
        this.nodes = nodes;
        this.security = security;
    }

    /**
     * Formats and starts one node per region (a leftover directory of an earlier run is wiped first, a
     * foreign one is refused) and returns once a topic replicated on every node can be created and takes
     * an {@code acks=all} write: the quorum has formed and every broker has registered. On failure every
     * node is stopped again before the exception propagates; a start is retried on fresh ports twice.
     */
    public static LocalControlCluster start(List<String> regionNames, Path workDir) {
        return start(regionNames, workDir, LocalSecurity.plaintext());
    }

    /** {@link #start(List, Path)} with TLS listeners (the controllers' too) and ACLs when {@code security} says so. */
    public static LocalControlCluster start(List<String> regionNames, Path workDir, LocalSecurity security) {
        validate(regionNames);
        Path dir = workDir.toAbsolutePath();
        RuntimeException last = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            try {
                return startOnce(regionNames, dir, security);
            } catch (RuntimeException e) {
                last = e;
                log.warn("control cluster: start attempt {}/{} failed: {}", attempt, START_ATTEMPTS, e.toString());
            }
        }
        throw new IllegalStateException("control cluster of " + regionNames + " did not start after "
                + START_ATTEMPTS + " attempts", last);
    }

    private static void validate(List<String> regionNames) {
        if (regionNames == null || regionNames.isEmpty()) {
            throw new IllegalArgumentException("at least one region is required");
        }
        if (regionNames.stream().distinct().count() != regionNames.size()) {
            throw new IllegalArgumentException("duplicate region names: " + regionNames);
        }
        // The one region-alias rule (also keeps node names and directories plain).
        try {
            new Topology(regionNames.stream().map(n -> new RegionSpec(n, "unused:0", null)).toList());
        } catch (TopologyException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private static LocalControlCluster startOnce(List<String> regionNames, Path workDir, LocalSecurity security) {
        long t0 = System.nanoTime();
        Map<String, KraftNode> nodes = new LinkedHashMap<>();
        regionNames.forEach(r -> nodes.put(r, new KraftNode(nodeName(r), workDir.resolve(nodeName(r)))));
        String voters = nodes.values().stream().map(KraftNode::voter).collect(Collectors.joining(","));
        String clusterId = Uuid.randomUuid().toString();
        LocalControlCluster cluster = new LocalControlCluster(nodes, security);
        try {
            for (KraftNode n : nodes.values()) {
                n.format(KraftSettings.combinedNode(n.nodeId(), n.brokerPort(), n.controllerPort(), voters,
                        nodes.size(), n.dataDirectory(), security), clusterId);
            }
            startInParallel(nodes.values());
            cluster.awaitReplicatedWrite();
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
        log.info("control cluster of {} started at {} in {} ms (replication factor {}, min.insync.replicas {}), data {}",
                regionNames, cluster.bootstrapServers(), (System.nanoTime() - t0) / 1_000_000,
                cluster.replicationFactor(), cluster.minInsyncReplicas(), workDir);
        return cluster;
    }

    static String nodeName(String region) {
        return "control-" + region;
    }

    /**
     * Starts the nodes at once: each start blocks until the controller quorum has formed, which needs a
     * majority of them, so one by one would never finish. Waits for every start, even after a failure,
     * so that none is left running unowned; then throws the first failure, the started nodes still running.
     */
    private static void startInParallel(Collection<KraftNode> toStart) {
        ExecutorService pool = Executors.newFixedThreadPool(toStart.size(), r -> {
            Thread t = new Thread(r, "maia-control-node-start");
            t.setDaemon(true);
            return t;
        });
        try {
            Map<KraftNode, Future<?>> futures = new LinkedHashMap<>();
            toStart.forEach(n -> futures.put(n, pool.submit(n::start)));
            Throwable failure = ParallelStarts.awaitAll(futures).failure();
            if (failure != null) {
                throw new IllegalStateException("could not start control nodes " + toStart, failure);
            }
        } finally {
            pool.shutdown();
        }
    }

    /**
     * Creates a one-partition topic on every node with a majority as min ISR and writes to it with
     * {@code acks=all}, until that works (the quorum has formed and every broker has registered), then
     * deletes it again.
     */
    private void awaitReplicatedWrite() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        String bootstrap = bootstrapServers();
        Map<String, Object> adminConfig = adminConfig();
        adminConfig.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        adminConfig.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        Map<String, Object> producerConfig = adminConfig();
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        producerConfig.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        producerConfig.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        producerConfig.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000);
        try (Admin admin = Admin.create(adminConfig);
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig,
                     new ByteArraySerializer(), new ByteArraySerializer())) {
            Exception last = null;
            while (System.nanoTime() < deadline) {
                try {
                    try {
                        admin.createTopics(List.of(new NewTopic(READY_PROBE_TOPIC, 1, (short) nodes.size())
                                .configs(Map.of("min.insync.replicas", Integer.toString(minInsyncReplicas())))))
                                .all().get(10, TimeUnit.SECONDS);
                    } catch (ExecutionException e) {
                        if (!(e.getCause() instanceof TopicExistsException)) {
                            throw e;
                        }
                    }
                    producer.send(new ProducerRecord<>(READY_PROBE_TOPIC, new byte[0])).get(15, TimeUnit.SECONDS);
                    admin.deleteTopics(List.of(READY_PROBE_TOPIC)).all().get(10, TimeUnit.SECONDS);
                    return;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for the control cluster", e);
                } catch (Exception e) {
                    last = e;
                }
                LocalKafkaCluster.sleep(200);
            }
            throw new IllegalStateException("control cluster at " + bootstrap + " took no replicated write within "
                    + READY_TIMEOUT.toSeconds() + " s", last);
        }
    }

    /** Every node's {@code 127.0.0.1:<port>}, comma-separated, in region order (stopped ones included). */
    public String bootstrapServers() {
        return nodes.values().stream().map(KraftNode::bootstrapServer).collect(Collectors.joining(","));
    }

    /** The {@code 127.0.0.1:<port>} of the region's node. */
    /** How the control cluster is secured, and the certificates of its principals. */
    public LocalSecurity security() {
        return security;
    }

    /** A client configuration of the admin (a super user): for provisioning and tests. */
    public Map<String, Object> adminConfig() {
        return security.admin().clientConfig(bootstrapServers());
    }

    public String bootstrapServers(String region) {
        return node(region).bootstrapServer();
    }

    /** The regions, in the order given to {@link #start}. */
    public List<String> regionNames() {
        return List.copyOf(nodes.keySet());
    }

    /** The number of nodes: the replication factor of every topic of this cluster by default. */
    public int replicationFactor() {
        return nodes.size();
    }

    /** A majority of the nodes: the cluster's {@code min.insync.replicas} by default. */
    public int minInsyncReplicas() {
        return KraftSettings.majority(nodes.size());
    }

    public synchronized boolean isRunning(String region) {
        return node(region).isRunning();
    }

    /**
     * Stops the region's node gracefully (while a majority runs, the quorum first moves its leaderships to
     * other nodes and takes it out of the in-sync replicas); its data, id and ports are kept for
     * {@link #startNode}. Idempotent.
     */
    public synchronized void stopNode(String region) {
        KraftNode n = node(region);
        if (!n.isRunning()) {
            return;
        }
        long t0 = System.nanoTime();
        n.stop(controlledShutdownTimeout());
        log.info("control node {} stopped in {} ms", n.name(), (System.nanoTime() - t0) / 1_000_000);
    }

    /**
     * Starts the region's stopped node again (same node id, ports and data) and returns once it has
     * rejoined: its controller is back in the quorum and its broker registered. That needs a majority
     * running with it; with fewer, use {@link #startNodes} to start several at once. Idempotent.
     *
     * @throws IllegalStateException if the node and the running ones are no majority, or it did not start
     */
    public void startNode(String region) {
        startNodes(List.of(region));
    }

    /**
     * Starts the regions' stopped nodes at once, as {@link #startNode} does one; for when no single node
     * would make a majority with the running ones (e.g. all stopped).
     */
    public synchronized void startNodes(Collection<String> regions) {
        if (closed) {
            throw new IllegalStateException("control cluster is closed");
        }
        List<KraftNode> toStart = new ArrayList<>();
        for (String r : regions) {
            KraftNode n = node(r);
            if (!n.isRunning() && !toStart.contains(n)) {
                toStart.add(n);
            }
        }
        if (toStart.isEmpty()) {
            return;
        }
        int wouldRun = runningCount() + toStart.size();
        if (wouldRun < minInsyncReplicas()) {
            throw new IllegalStateException("starting " + toStart + " would run " + wouldRun + " of " + nodes.size()
                    + " control nodes: the controller quorum needs " + minInsyncReplicas()
                    + "; start more at once (startNodes)");
        }
        long t0 = System.nanoTime();
        startInParallel(toStart);
        log.info("control nodes {} started again in {} ms", toStart, (System.nanoTime() - t0) / 1_000_000);
    }

    /**
     * Stops every node; never throws, safe on a partly started or already closed cluster, and quick even
     * with a majority already stopped. The data directories are kept (see {@link #deleteData()}).
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            long t0 = System.nanoTime();
            for (KraftNode n : nodes.values()) {
                try {
                    if (n.isRunning()) {
                        n.stop(controlledShutdownTimeout());
                    }
                } catch (RuntimeException e) {
                    log.warn("error stopping control node {}", n.name(), e);
                }
            }
            log.info("control cluster of {} stopped in {} ms", nodes.keySet(), (System.nanoTime() - t0) / 1_000_000);
        }
    }

    /** Deletes every node's directory; only after {@link #close()}. */
    public synchronized void deleteData() {
        if (!closed) {
            throw new IllegalStateException("control cluster is running");
        }
        nodes.values().forEach(KraftNode::deleteData);
    }

    /**
     * A controlled shutdown needs a controller quorum, which includes the stopping node's own controller
     * (it stops after its broker): with fewer running than a majority nothing can answer, so skip the wait.
     */
    private Duration controlledShutdownTimeout() {
        return runningCount() >= minInsyncReplicas() ? CONTROLLED_SHUTDOWN_TIMEOUT : Duration.ZERO;
    }

    private int runningCount() {
        return (int) nodes.values().stream().filter(KraftNode::isRunning).count();
    }

    private KraftNode node(String region) {
        KraftNode n = nodes.get(region);
        if (n == null) {
            throw new IllegalArgumentException("no control node for region '" + region + "' (known: "
                    + nodes.keySet() + ")");
        }
        return n;
    }

    @Override
    public String toString() {
        return "LocalControlCluster[" + bootstrapServers() + "]";
    }
}
