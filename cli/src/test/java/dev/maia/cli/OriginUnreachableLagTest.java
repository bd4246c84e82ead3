package dev.maia.cli;

import dev.maia.apply.lag.LagMonitor;
import dev.maia.apply.lag.LagProbe;
import dev.maia.control.security.AclPlan;
import dev.maia.localcluster.LocalKafkaCluster;
import dev.maia.schemas.avro.Placement;
import dev.maia.schemas.avro.PlacementMode;
import dev.maia.schemas.position.PositionKey;
import dev.maia.schemas.topology.RegionSpec;
import dev.maia.schemas.topology.Topology;
import dev.maia.schemas.wal.AvroClasses;
import dev.maia.schemas.wal.WalTopics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 10: "maia_replication_lag_seconds keeps its last value (often 0) when the origin region is
 * unreachable". An origin region of its own (a real KRaft cluster, so the shared stack is untouched) that
 * this region has caught up with is stopped: its lag must grow from that moment, and it must show as
 * unreachable. The holder is the shared stack's us-west cluster.
 */
class OriginUnreachableLagTest {
    private static final Logger LOG = LoggerFactory.getLogger(OriginUnreachableLagTest.class);
    private static final String HERE = "us-west";
    private static final String ORIGIN = "far";
    private static LocalKafkaCluster far;

    @BeforeAll
    static void start() throws Exception {
        AvroClasses.trust(); // this test builds a Placement itself; alone in a JVM nothing else would have
        Path work = Files.createDirectories(Path.of("target", "it-unreachable", Long.toString(ProcessHandle.current().pid())));
        // Secured as the shared stack is (its CA), with the ACLs of a region "far" whose peer is us-west.
        far = LocalKafkaCluster.start("lag-far", work, TestStack.regions().security());
        try (Admin admin = Admin.create(far.adminConfig())) {
            AclPlan.apply(admin, AclPlan.regionCluster(ORIGIN, List.of(HERE, ORIGIN)), 30_000);
        }
    }

    @AfterAll
    static void stop() {
        if (far != null) {
            far.close(); // idempotent: the test stops it already
            far.deleteData();
        }
    }

    private static Double gauge(PrometheusMeterRegistry registry, String name, String tenant) {
        var search = registry.find(name).tag("region", HERE).tag("origin_region", ORIGIN);
        if (tenant != null) {
            search = search.tag("tenant", tenant);
        }
        if (name.equals("maia.replication.position")) {
            search = search.tag("partition", "0"); // the log's one partition (the others of the deployment's three: -1)
        }
        Gauge g = search.gauge();
        return g == null ? null : g.value();
    }

    @Test
    void whileTheOriginIsUnreachableTheLagKeepsGrowingFromWhenThisRegionLastKnewItWasCaughtUp() throws Exception {
        String tenant = "unreach-" + UUID.randomUUID().toString().substring(0, 6);
        String log = WalTopics.wal(tenant);
        try (Admin admin = Admin.create(far.adminConfig())) {
            admin.createTopics(List.of(new NewTopic(log, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(far.adminConfig(), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < 3; i++) {
                producer.send(new ProducerRecord<>(log, 0, null, new byte[]{(byte) i})).get(30, TimeUnit.SECONDS);
            }
        }
        Topology topology = new Topology(List.of(new RegionSpec(HERE, TestStack.regions().bootstrapServers(HERE), null),
                new RegionSpec(ORIGIN, far.bootstrapServers(), null)));
        Placement placement = Placement.newBuilder().setTenantId(tenant).setPrimaryRegion(ORIGIN).setReplicas(List.of(HERE))
                .setMode(PlacementMode.replicated).setEpoch(1).build();
        // This region has applied the origin's three entries (offsets 0..2): caught up.
        Map<PositionKey, Long> applied = new ConcurrentHashMap<>(Map.of(new PositionKey(ORIGIN, tenant, 0), 2L));
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (LagMonitor monitor = new LagMonitor(HERE, topology, new LagProbe(topology, TestStack.regions().security().region(HERE)), () -> Map.of(tenant, placement),
                () -> Map.copyOf(applied), LagMonitor.HeldTenants.NONE, registry, 0, 30)) {
            monitor.refresh();
            assertThat(gauge(registry, "maia.replication.lag.seconds", tenant)).isEqualTo(0.0);
            assertThat(gauge(registry, "maia.replication.lag.records", tenant)).isEqualTo(0.0);
            assertThat(gauge(registry, "maia.replication.origin.reachable", null)).isEqualTo(1.0);
            assertThat(gauge(registry, "maia.replication.position", tenant)).isEqualTo(2.0);

            long caughtUpAt = System.nanoTime();
            far.close();
            monitor.refresh();
            double first = gauge(registry, "maia.replication.lag.seconds", tenant);
            assertThat(gauge(registry, "maia.replication.origin.reachable", null)).isEqualTo(0.0);
            // At least the time the round took to give up on the origin (the probe's reach timeout), and no
            // more than has passed since it was last known caught up.
            assertThat(first).isGreaterThan(1.0).isLessThanOrEqualTo((System.nanoTime() - caughtUpAt) / 1e9 + 0.5);
            Thread.sleep(1500);
            monitor.refresh();
            double second = gauge(registry, "maia.replication.lag.seconds", tenant);
            assertThat(second).as("grows while the origin stays unreachable").isGreaterThan(first + 1.0);
            LOG.info("origin unreachable: lag {} s after the first round, {} s after the second", first, second);
            // Nothing is lost meanwhile: the position stays what was applied.
            assertThat(gauge(registry, "maia.replication.position", tenant)).isEqualTo(2.0);
            // Prometheus sees it under its own name.
            assertThat(registry.scrape()).contains("maia_replication_lag_seconds{origin_region=\"far\",region=\"us-west\",tenant=\""
                    + tenant + "\"}");
        }
    }
}
