package dev.maia.localcluster;

import dev.maia.localcluster.tls.LocalSecurity;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

/**
 * The settings of one node (combined broker + controller) of a local KRaft cluster of {@code clusterSize}
 * nodes: listeners on 127.0.0.1 only, every replication factor the cluster size, every min ISR a majority
 * of it, few threads, small internal topics. One node ({@link LocalKafkaCluster}) and a stretched control
 * cluster ({@link LocalControlCluster}) differ only in the voters and the size.
 */
final class KraftSettings {

    /**
     * Bounds {@code KafkaRaftServer.startup()}, which otherwise waits forever for a controller quorum (a
     * node restarted while a majority of its cluster is down): past it the start fails instead of hanging.
     */
    static final Duration MAX_STARTUP = Duration.ofSeconds(120);

    private KraftSettings() {
    }

    /** A majority of {@code clusterSize} nodes: what must hold a write and what the controller quorum needs. */
    static int majority(int clusterSize) {
        return clusterSize / 2 + 1;
    }

    /** {@code id@127.0.0.1:port}, one entry of {@code controller.quorum.voters}. */
    static String voter(int nodeId, int controllerPort) {
        return nodeId + "@127.0.0.1:" + controllerPort;
    }

    /**
     * @param quorumVoters {@code controller.quorum.voters}: every node of the cluster, this one included
     * @param clusterSize  how many nodes (brokers) the cluster has
     */
    static Properties combinedNode(int nodeId, int brokerPort, int controllerPort, String quorumVoters,
                                   int clusterSize, Path dataDir, LocalSecurity security) {
        String replicas = Integer.toString(clusterSize);
        String minIsr = Integer.toString(majority(clusterSize));
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(nodeId));
        p.put("controller.quorum.voters", quorumVoters);
        p.putAll(security.brokerProperties(brokerPort, controllerPort));
        p.put("controller.listener.names", "CONTROLLER");
        p.put("log.dirs", dataDir.toString());
        // Every topic, internal ones included, on every node; a write is held by a majority before it is
        // acknowledged (acks=all). On one node both are 1.
        p.put("default.replication.factor", replicas);
        p.put("min.insync.replicas", minIsr);
        p.put("offsets.topic.replication.factor", replicas);
        p.put("transaction.state.log.replication.factor", replicas);
        p.put("transaction.state.log.min.isr", minIsr);
        p.put("share.coordinator.state.topic.replication.factor", replicas);
        p.put("share.coordinator.state.topic.min.isr", minIsr);
        // A replica that missed writes never becomes leader: losing acknowledged writes is never the way
        // back to availability (the default, stated because the control log depends on it).
        p.put("unclean.leader.election.enable", "false");
        // Internal topics default to 50 partitions each: creating them dominates a small cluster's start.
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.num.partitions", "5");
        p.put("share.coordinator.state.topic.num.partitions", "5");
        // The 128 MiB default dedupe buffer per node dominates a test JVM's heap.
        p.put("log.cleaner.dedupe.buffer.size", Integer.toString(4 * 1024 * 1024));
        // Consumer groups (Streams, MM2 workers) form at once instead of after 3 s.
        p.put("group.initial.rebalance.delay.ms", "0");
        // Every topic is created on purpose: a stray client must never create a WAL topic with the
        // broker's default partition count (a resource would map to different partitions in different regions).
        p.put("auto.create.topics.enable", "false");
        // Several nodes share this JVM's two cores: fewer threads each.
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "4");
        p.put("background.threads", "4");
        p.put("num.recovery.threads.per.data.dir", "1");
        // A controlled shutdown completes on the broker heartbeat after its leaderships have moved: at the
        // default 2 s interval, stopping a node that leads anything takes 2.5 s instead of under one.
        p.put("broker.heartbeat.interval.ms", "500");
        p.put("server.max.startup.time.ms", Long.toString(MAX_STARTUP.toMillis()));
        return p;
    }
}
