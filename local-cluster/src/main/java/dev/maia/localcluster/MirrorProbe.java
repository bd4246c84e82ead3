package dev.maia.localcluster;

import dev.maia.schemas.topology.KafkaSecurity;
import dev.maia.schemas.topology.Topology;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.connect.mirror.DefaultReplicationPolicy;
import org.apache.kafka.connect.mirror.ReplicationPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.concurrent.TimeoutException;

/**
 * Tells whether every MM2 flow really replicates, by watching MM2's own heartbeats arrive remotely:
 * flow {@code a->b} works when the copy {@code a.heartbeats} in cluster {@code b} grows.
 *
 * <p>Why heartbeats rather than a probe record in a WAL- or positions-like topic: MM2 emits a heartbeat
 * into every cluster each second and mirrors it through the very MirrorSourceConnector task (and the
 * same transform chain) that carries the WAL, so its arrival proves the flow's task runs, with no test
 * data written into topics that the apply side reads and no extra topic to create. What it does not
 * prove is that a brand-new tenant topic is picked up: that takes up to
 * {@code refresh.topics.interval.seconds} more.
 */
final class MirrorProbe implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MirrorProbe.class);
    private static final ReplicationPolicy POLICY = new DefaultReplicationPolicy();

    /** One replication flow: records of {@code source} copied into {@code target}. */
    record Flow(String source, String target) {
        String remoteHeartbeats() {
            return POLICY.formatRemoteTopic(source, POLICY.heartbeatsTopic());
        }

        @Override
        public String toString() {
            return source + "->" + target;
        }
    }

    private final Topology topology;
    /** One Admin per region, kept for the probe's life: it polls several times a second. */
    private final Map<String, Admin> admins = new LinkedHashMap<>();

    MirrorProbe(Topology topology) {
        this.topology = topology;
        topology.regions().forEach(r -> admins.put(r.name(), admin(r.bootstrapServers(), topology.requireKafkaSecurity())));
    }

    @Override
    public void close() {
        admins.values().forEach(a -> a.close(Duration.ofSeconds(5)));
    }

    List<Flow> flows() {
        return topology.regions().stream()
                .flatMap(s -> topology.regions().stream()
                        .filter(t -> !t.name().equals(s.name()))
                        .map(t -> new Flow(s.name(), t.name())))
                .toList();
    }

    /** The current end offset (summed over partitions) of each flow's remote heartbeats; -1 if absent. */
    Map<Flow, Long> snapshot() {
        Map<Flow, Long> result = new LinkedHashMap<>();
        for (Flow f : flows()) {
            result.put(f, endOffset(admins.get(f.target()), f.remoteHeartbeats()));
        }
        return result;
    }

    /** Waits until every flow's remote heartbeats moved past {@code before}. */
    void awaitProgress(Map<Flow, Long> before, Duration timeout) {
        long t0 = System.nanoTime();
        long deadline = t0 + timeout.toNanos();
        Map<Flow, Long> pending = new HashMap<>(before);
        while (true) {
            Map<Flow, Long> now = snapshot();
            pending.entrySet().removeIf(e -> now.getOrDefault(e.getKey(), -1L) > e.getValue());
            if (pending.isEmpty()) {
                log.info("all {} MM2 flows replicate (heartbeats arrived) after {} ms",
                        before.size(), (System.nanoTime() - t0) / 1_000_000);
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("MirrorMaker 2 flows " + pending.keySet().stream()
                        .map(Flow::toString).sorted().collect(Collectors.joining(", "))
                        + " did not replicate within " + timeout.toSeconds() + " s (no new remote heartbeats)");
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for MirrorMaker 2", e);
            }
        }
    }

    private static long endOffset(Admin admin, String topic) {
        try {
            TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(10, TimeUnit.SECONDS).get(topic);
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            d.partitions().forEach(p -> request.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
            return admin.listOffsets(request).all().get(10, TimeUnit.SECONDS).values().stream()
                    .mapToLong(i -> i.offset()).sum();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return -1L;
            }
            log.debug("cannot read end offset of {}: {}", topic, e.getCause().toString());
            return -1L;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (TimeoutException e) {
            log.debug("timed out reading end offset of {}", topic);
            return -1L;
        }
    }

    private static Admin admin(String bootstrap, KafkaSecurity security) {
        Map<String, Object> config = security.clientConfig(bootstrap);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        return Admin.create(config);
    }
}
