package dev.maia.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maia.apply.ApplyListener;
import dev.maia.apply.ApplyConfig;
import dev.maia.cli.server.ApiKeyring;
import dev.maia.localcluster.LocalControlCluster;
import dev.maia.localcluster.LocalKafkaCluster;
import dev.maia.schemas.http.Json;
import dev.maia.schemas.topology.KafkaSecurity;
import dev.maia.schemas.topology.RegionSpec;
import dev.maia.schemas.topology.Topology;
import dev.maia.schemas.wal.WalHeaders;
import dev.maia.schemas.wal.WalTopics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every {@code maia} command of docs/runbooks, run in the situation its runbook describes, must exit as the
 * runbook says: each test brings the situation about on real clusters (MirrorMaker 2 stopped, a forged
 * entry dead-lettered, the control quorum lost, a store filled), runs the runbook's Diagnose, does what
 * its Act says in words, runs its Act and Verify commands, and checks with its own eyes that the act worked.
 * After all of them, a command that no test ran fails the class: a runbook may not hold an untested line.
 */
class RunbooksTest extends RegionsTest {
    /** How long a step the runbook says to repeat may take to exit as it says. */
    private static final Duration REPEAT = Duration.ofSeconds(90);
    private static final Set<String> ran = ConcurrentHashMap.newKeySet();

    // ---- running a runbook ------------------------------------------------------------------------

    /** Runs the commands of one part of a runbook in order, each as the runbook says; answers what each printed. */
    private static List<TestStack.CommandRun> run(Runbook runbook, String part, Map<String, String> values) {
        List<TestStack.CommandRun> out = new ArrayList<>();
        for (Runbook.Step step : runbook.section(part)) {
            String[] args = step.args(values);
            TestStack.CommandRun[] last = {TestStack.maia(args)};
            if (step.repeat() && last[0].exit() != step.exits()) {
                await().atMost(REPEAT).pollInterval(Duration.ofSeconds(1)).until(() -> {
                    last[0] = TestStack.maia(args);
                    return last[0].exit() == step.exits();
                });
            }
            assertThat(last[0].exit()).as("%s printed:%n%s", step, last[0].out()).isEqualTo(step.exits());
            ran.add(step.file() + ":" + step.line());
            out.add(last[0]);
        }
        return out;
    }

    /** The output of the part's step whose command contains {@code marker}. */
    private static TestStack.CommandRun output(Runbook runbook, String part, List<TestStack.CommandRun> runs, String marker) {
        List<Runbook.Step> steps = runbook.section(part);
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i).command().contains(marker)) {
                return runs.get(i);
            }
        }
        throw new AssertionError(runbook.name() + " " + part + " has no command with " + marker);
    }

    @AfterAll
    static void everyCommandOfEveryRunbookRan() throws Exception {
        List<String> never = new ArrayList<>();
        for (Runbook r : Runbook.all()) {
            for (Runbook.Step s : r.steps()) {
                if (!ran.contains(s.file() + ":" + s.line())) {
                    never.add(s.toString());
                }
            }
        }
        assertThat(never).as("runbook commands no test ran").isEmpty();
    }

    // ---- on the shared stack ----------------------------------------------------------------------

    @Test
    void plannedMigrationMovesThePrimaryAndTheNewOneTakesWrites() throws Exception {
        Runbook runbook = Runbook.named("planned-migration.md");
        TestStack.Tenant t = TestStack.tenant();
        TestStack.place(t.id(), "replicated", "us-west", "eu-central");
        List<String> before = TestStack.writeMemories("us-west", t.key(), 5, "before");
        TestStack.awaitLive("eu-central", t.id(), before);
        Map<String, String> values = Map.of("TOPOLOGY", TestStack.topologyFile().toString(), "TENANT", t.id(),
                "REGION", "eu-central");

        run(runbook, "Diagnose", values);
        run(runbook, "Act", values);
        List<TestStack.CommandRun> verify = run(runbook, "Verify", values);

        JsonNode placement = TestStack.placementIn("us-west", t.id());
        assertThat(placement.get("primary_region").asText()).isEqualTo("eu-central");
        assertThat(output(runbook, "Verify", verify, "status").out()).contains("eu-central");
        TestStack.awaitLive("us-west", t.id(), before);
    }

    @Test
    void mm2DownShowsAsMirrorLagAndTheBacklogArrivesOnceItRunsAgain() throws Exception {
        Runbook runbook = Runbook.named("mm2-down.md");
        TestStack.Tenant t = TestStack.tenant();
        TestStack.place(t.id(), "replicated", "us-west", "ap-tokyo");
        TestStack.awaitLive("ap-tokyo", t.id(), TestStack.writeMemories("us-west", t.key(), 2, "before"));
        Map<String, String> values = Map.of("TOPOLOGY", TestStack.topologyFile().toString(), "TENANT", t.id());

        TestStack.regions().stopMirror();
        List<String> during;
        try {
            during = TestStack.writeMemories("us-west", t.key(), 10, "during");
            List<TestStack.CommandRun> diagnose = run(runbook, "Diagnose", values);
            JsonNode rows = output(runbook, "Diagnose", diagnose, "--json").json();
            long mirrorLag = 0;
            for (JsonNode row : rows) {
                if (row.get("region").asText().equals("ap-tokyo") && row.get("origin_region").asText().equals("us-west")) {
                    mirrorLag += row.get("mm2_lag_records").asLong();
                }
            }
            assertThat(mirrorLag).as("MM2_LAG of ap-tokyo for %s's writes while MM2 is down", t.id()).isGreaterThan(0);
            assertThat(TestStack.isLive("ap-tokyo", t.id(), during.get(0))).isFalse();
            run(runbook, "Act", values);
            // The act: restart the mirror.
            TestStack.regions().startMirror();
        } finally {
            TestStack.regions().startMirror();
        }
        run(runbook, "Verify", values);
        TestStack.awaitLive("ap-tokyo", t.id(), during);
    }

    @Test
    void aForgedEntryIsListedWithItsReasonAndTheTenantsLaterWritesStillApply() throws Exception {
        Runbook runbook = Runbook.named("dlq-corrupt-entries.md");
        TestStack.Tenant t = TestStack.tenant();
        TestStack.place(t.id(), "global", "us-west");
        String first = TestStack.writeMemories("us-west", t.key(), 1, "before").get(0);
        TestStack.awaitLive("eu-central", t.id(), List.of(first));
        forgeOriginOffsetOnLocalLog("us-west", t.id());
        List<String> later = TestStack.writeMemories("us-west", t.key(), 6, "later");
        // And once more, so that the newest entry of every partition is refused: a region is done with a
        // partition when it dead-lettered its last entry, though its applied position stays short of the end.
        forgeOriginOffsetOnLocalLog("us-west", t.id());
        await().atMost(Duration.ofSeconds(60)).until(() -> TestStack.readAll("us-west", WalTopics.DLQ).stream()
                .anyMatch(r -> header(r, "maia.dlq.topic").equals(WalTopics.wal(t.id()))));
        Map<String, String> values = Map.of("TOPOLOGY", TestStack.topologyFile().toString(), "TENANT", t.id(),
                "REGION", "us-west");

        List<TestStack.CommandRun> diagnose = run(runbook, "Diagnose", values);

        JsonNode listed = output(runbook, "Diagnose", diagnose, "--json").json();
        assertThat(listed.get("entries").size()).isBetween(1, 5);
        for (JsonNode e : listed.get("entries")) {
            assertThat(e.get("tenant").asText()).isEqualTo(t.id());
            assertThat(e.get("origin_region").asText()).isEqualTo("us-west");
            assertThat(e.get("topic").asText()).isEqualTo(WalTopics.wal(t.id()));
            assertThat(e.get("reason").asText()).isEqualTo("origin_offset_on_local_log");
        }
        assertThat(output(runbook, "Diagnose", diagnose, "dlq list").out())
                .contains("origin_offset_on_local_log").contains(WalTopics.wal(t.id()));
        run(runbook, "Act", values);
        run(runbook, "Verify", values);
        TestStack.awaitLive("eu-central", t.id(), later);
    }

    @Test
    void regionLossFailsTheTenantOverAndFailbackMovesItBack() throws Exception {
        Runbook loss = Runbook.named("region-loss.md");
        Runbook back = Runbook.named("failback.md");
        TestStack.Tenant t = TestStack.tenant();
        TestStack.Tenant single = TestStack.tenant();
        TestStack.place(t.id(), "replicated", "ap-tokyo", "eu-central");
        TestStack.place(single.id(), "single", "ap-tokyo");
        List<String> before = TestStack.writeMemories("ap-tokyo", t.key(), 5, "before");
        TestStack.awaitLive("eu-central", t.id(), before);
        Map<String, String> values = Map.of("TOPOLOGY", TestStack.topologyFile().toString(), "TENANT", t.id(),
                "SINGLE_TENANT", single.id(), "REGION", "ap-tokyo", "TARGET", "eu-central");

        nodes.stopRegion("ap-tokyo");
        try {
            run(loss, "Diagnose", values);
            run(loss, "Act", values);
            List<TestStack.CommandRun> verify = run(loss, "Verify", values);
            JsonNode placement = output(loss, "Verify", verify, "--json").json().get("regions").get(0).get("placement");
            assertThat(placement.get("primary_region").asText()).isEqualTo("eu-central");
            assertThat(placement.at("/failover/from_region").asText()).isEqualTo("ap-tokyo");
        } finally {
            nodes.startRegion("ap-tokyo");
        }
        run(back, "Diagnose", values);
        run(back, "Act", values);
        run(back, "Verify", values);
        assertThat(TestStack.placementIn("eu-central", t.id()).get("primary_region").asText()).isEqualTo("ap-tokyo");
        TestStack.awaitLive("ap-tokyo", t.id(), before);
    }

    /** A real entry of the tenant copied onto every partition of its local log, claiming an origin offset (PoisonedEntriesTest). */
    private static void forgeOriginOffsetOnLocalLog(String region, String tenant) throws Exception {
        String wal = WalTopics.wal(tenant);
        ConsumerRecord<String, byte[]> original = TestStack.readAll(region, wal).get(0);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(TestStack.kafkaClient(region),
                new StringSerializer(), new ByteArraySerializer())) {
            for (PartitionInfo p : producer.partitionsFor(wal)) {
                RecordHeaders headers = new RecordHeaders();
                headers.add(WalHeaders.ORIGIN_OFFSET, WalHeaders.encodeLong(1L << 40));
                producer.send(new ProducerRecord<>(wal, p.partition(), original.key(), original.value(), headers)).get();
            }
        }
    }

    private static String header(ConsumerRecord<String, byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
    }

    // ---- on a region of its own: what the shared stack cannot lose ----------------------------------

    /**
     * One region on its own Kafka and a control cluster of three nodes (two of them "elsewhere"), with a
     * store small enough to fill: the control quorum is lost and comes back, then the store fills and is
     * replaced by a larger one as store-full.md says.
     */
    @Test
    void controlQuorumLostThenStoreFullOnARegionOfItsOwn() throws Exception {
        try (SoloRegion solo = SoloRegion.start()) {
            TestStack.Tenant t = new TestStack.Tenant(SoloRegion.TENANT, solo.tenantKey);
            MaiaClient.Reply placed = client.send("POST", solo.node.endpoint() + "/admin/tenants/" + t.id() + "/placement",
                    solo.adminKey, Json.write(Map.of("mode", "single", "primary_region", SoloRegion.REGION)));
            assertThat(placed.status()).as("%s", placed.body()).isEqualTo(200);
            List<String> first = writeBatch(solo, t, 0, 20);
            assertThat(first).hasSize(20);
            Map<String, String> values = Map.of("TOPOLOGY", solo.topologyFile.toString(), "TENANT", t.id(),
                    "REGION", SoloRegion.REGION);

            // control-quorum-lost.md: two of the three control nodes stop.
            Runbook quorum = Runbook.named("control-quorum-lost.md");
            solo.control.stopNode("north");
            solo.control.stopNode("south");
            try {
                await().atMost(Duration.ofSeconds(60)).until(() -> solo.health().at("/control/status").asText().equals("no_quorum"));
                List<TestStack.CommandRun> diagnose = run(quorum, "Diagnose", values);
                JsonNode row = output(quorum, "Diagnose", diagnose, "--json").json().get("regions").get(0);
                assertThat(row.get("control").asText()).isEqualTo("no_quorum");
                run(quorum, "Act", values);
                // The act: the control nodes come back.
                solo.control.startNode("north");
                solo.control.startNode("south");
            } finally {
                solo.control.startNode("north");
                solo.control.startNode("south");
            }
            run(quorum, "Verify", values);

            // store-full.md: the tenant writes until the store is full and applying stops.
            Runbook full = Runbook.named("store-full.md");
            List<String> written = new ArrayList<>(first);
            for (int batch = 1; batch <= 60 && solo.health().path("status").asText().equals("ok"); batch++) {
                written.addAll(writeBatch(solo, t, batch, 500));
                if (written.size() < 20 + batch * 500) {
                    break; // refused (APPLY_BEHIND): applying stopped
                }
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> solo.health().path("status").asText().equals("failed"));
            List<TestStack.CommandRun> diagnose = run(full, "Diagnose", values);
            JsonNode row = output(full, "Diagnose", diagnose, "--json").json().get("regions").get(0);
            assertThat(row.get("status").asText()).isEqualTo("failed");
            assertThat(row.get("store_used_ratio").asDouble()).isGreaterThan(0.9);
            run(full, "Act", values);
            // The act: stop, move the store aside, raise store_max_entries, rewind the apply group, start.
            solo.replaceStore(100_000);
            run(full, "Verify", values);
            String last = written.get(written.size() - 1);
            await().atMost(Duration.ofSeconds(60)).until(() -> solo.node.apply().currentState()
                    .live(t.id(), dev.maia.schemas.avro.ResourceType.memory, written.get(0)).isPresent()
                    && solo.node.apply().currentState().live(t.id(), dev.maia.schemas.avro.ResourceType.memory, last).isPresent());
        }
    }

    /** Writes a batch of memories in the solo region; answers the ids of those written (none if it was refused). */
    private List<String> writeBatch(SoloRegion solo, TestStack.Tenant t, int batch, int size) throws Exception {
        List<Map<String, Object>> memories = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            memories.add(Map.of("namespace", "n", "content", "memory " + batch + "/" + i + " of " + t.id()
                    + ", a few words to take some room"));
        }
        MaiaClient.Reply r = client.send("POST", solo.node.endpoint() + "/v1/memories/batch", t.key(),
                Json.write(Map.of("memories", memories)));
        List<String> ids = new ArrayList<>();
        if (r.status() == 201) {
            r.body().get("results").forEach(x -> ids.add(x.get("memory").get("id").asText()));
        }
        return ids;
    }

    /** A region process of its own, on its own Kafka and three-node control cluster, with a small store. */
    private static final class SoloRegion implements AutoCloseable {
        static final String REGION = "solo";
        static final String TENANT = "runbook-solo";
        private static final List<String> CONTROL_NODES = List.of(REGION, "north", "south");
        private static final long SMALL_STORE = 200;

        final Path work;
        final LocalKafkaCluster kafka;
        final LocalControlCluster control;
        final String adminKey = ApiKeyring.newKey();
        final String tenantKey = ApiKeyring.newKey();
        final Topology topology;
        final Path topologyFile;
        RegionConfig config;
        RegionNode node;

        private SoloRegion(Path work, LocalKafkaCluster kafka, LocalControlCluster control) throws Exception {
            this.work = work;
            this.kafka = kafka;
            this.control = control;
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            Map<String, String> keys = Map.of(TENANT, tenantKey);
            topology = new Topology(List.of(new RegionSpec(REGION, kafka.bootstrapServers(), "http://127.0.0.1:" + port)),
                    adminKey, keys).withControl(control.bootstrapServers()).withKafkaSecurity(KafkaSecurity.plaintext());
            topologyFile = work.resolve("topology.yaml");
            topology.write(topologyFile);
            config = RegionConfig.of(REGION, kafka.bootstrapServers(), kafka.security().region(REGION), port, work.resolve(REGION),
                    adminKey, keys).with(Map.of(RegionConfig.CONTROL_TIMEOUT_MS, 4_000,
                    ApplyConfig.STORE_MAX_ENTRIES, SMALL_STORE, ApplyConfig.STORE_AVERAGE_VALUE_BYTES, 256,
                    ApplyConfig.STORE_TENANT_QUOTA_BYTES, 1L << 40));
            node = RegionNode.start(config, topology, ApplyListener.NONE);
        }

        static SoloRegion start() throws Exception {
            Path work = Files.createDirectories(Path.of("target", "it-runbooks", Long.toString(ProcessHandle.current().pid())));
            LocalKafkaCluster kafka = null;
            LocalControlCluster control = null;
            try {
                kafka = LocalKafkaCluster.start("runbook-solo", work);
                control = LocalControlCluster.start(CONTROL_NODES, work.resolve("control"));
                return new SoloRegion(work, kafka, control);
            } catch (Exception | Error e) {
                if (control != null) {
                    control.close();
                }
                if (kafka != null) {
                    kafka.close();
                }
                throw e;
            }
        }

        JsonNode health() throws Exception {
            return new MaiaClient().send("GET", node.endpoint() + "/health", null, null).body();
        }

        /** store-full.md's Act: stop, move the store aside, a larger store_max_entries, rewind the apply group, start. */
        void replaceStore(long maxEntries) throws Exception {
            node.close();
            Path store = work.resolve(REGION).resolve("store");
            Files.move(store, work.resolve(REGION).resolve("store.full"));
            String group = "maia-apply-" + REGION;
            try (Admin admin = Admin.create(kafka.adminConfig())) {
                await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
                    Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                            .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
                    Map<TopicPartition, OffsetAndMetadata> rewound = new HashMap<>();
                    committed.keySet().forEach(tp -> rewound.put(tp, new OffsetAndMetadata(0)));
                    admin.alterConsumerGroupOffsets(group, rewound).all().get(10, TimeUnit.SECONDS);
                    return !rewound.isEmpty();
                });
            }
            config = config.with(Map.of(ApplyConfig.STORE_MAX_ENTRIES, maxEntries));
            node = RegionNode.start(config, topology, ApplyListener.NONE);
        }

        @Override
        public void close() {
            node.close();
            control.close();
            kafka.close();
        }
    }
}
