package dev.maia.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maia.apply.ApplyListener;
import dev.maia.cli.server.ApiKeyring;
import dev.maia.localcluster.LocalRegions;
import dev.maia.producer.WriteConfig;
import dev.maia.schemas.avro.ResourceType;
import dev.maia.schemas.http.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 11 through real brokers, MM2 and three region processes at the default lease settings (a stack of its
 * own: the shared one runs long leases, so that its tests may restart regions). A primary region's process is
 * killed (stopped: its Kafka stays, as after kill -9 of MAIA): its replicated tenants fail over automatically
 * and lose no acknowledged write; a semi-sync tenant whose only possibly-complete replica is gone too stays
 * unwritable until that replica is back; the old primary, back, is fenced (307, never a write in its old
 * epoch); an operator's {@code maia failover} says what it may lose and needs --accept-loss for it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FailoverTest {
    private static final Logger log = LoggerFactory.getLogger(FailoverTest.class);
    private static final List<String> REGIONS = List.of("us-west", "eu-central", "ap-tokyo");
    private static final Duration FAILOVER_WAIT = Duration.ofSeconds(90);
    private static final Map<String, String> KEYS = new LinkedHashMap<>();
    private static Path work;
    private static LocalRegions regions;
    private static RegionNodes nodes;
    private static Path topologyFile;
    private final MaiaClient client = new MaiaClient();

    @BeforeAll
    static void start() throws Exception {
        work = Files.createDirectories(Path.of("target", "it-failover", Long.toString(ProcessHandle.current().pid())));
        regions = LocalRegions.builder(REGIONS, work.resolve("kafka")).start();
        for (String t : List.of("fo-async", "fo-semi", "fo-block", "fo-manual")) {
            KEYS.put(t, ApiKeyring.newKey());
        }
        nodes = RegionNodes.start(regions, work.resolve("regions"), ApplyListener.NONE, ApiKeyring.newKey(), KEYS);
        topologyFile = work.resolve("topology.yaml");
        nodes.topology().write(topologyFile);
    }

    @AfterAll
    static void stop() throws IOException {
        if (nodes != null) {
            nodes.close();
        }
        if (regions != null) {
            regions.close();
        }
        if (work != null) {
            try (Stream<Path> files = Files.walk(work)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    @Test
    @Order(1)
    void whenThePrimarysProcessIsKilledItsReplicatedTenantsFailOverWithEveryAcknowledgedWrite() throws Exception {
        place("fo-async", "us-west", List.of("eu-central", "ap-tokyo"), "async", 1);
        place("fo-semi", "us-west", List.of("eu-central", "ap-tokyo"), "semi-sync", 1);
        List<String> async = write("us-west", "fo-async", 20);
        List<String> semi = write("us-west", "fo-semi", 20);
        awaitLive("eu-central", "fo-async", async);
        awaitLive("ap-tokyo", "fo-async", async);

        long killed = System.nanoTime();
        nodes.stopRegion("us-west");

        Written first = writeFollowing("eu-central", "fo-async", "after the failover");
        long failoverMs = (System.nanoTime() - killed) / 1_000_000;
        log.info("fo-async: writable again in {} after {} ms", first.region(), failoverMs);
        assertThat(first.region()).isIn("eu-central", "ap-tokyo");
        JsonNode placement = placementIn(first.region(), "fo-async");
        assertThat(placement.get("primary_region").asText()).isEqualTo(first.region());
        assertThat(placement.at("/failover/from_region").asText()).isEqualTo("us-west");
        assertThat(placement.at("/failover/forced").asBoolean()).isFalse();
        assertThat(placement.get("replicas").toString()).contains("us-west");
        awaitLive(first.region(), "fo-async", async);

        Written semiFirst = writeFollowing("ap-tokyo", "fo-semi", "after the failover");
        assertThat(semiFirst.region()).isIn("eu-central", "ap-tokyo");
        // Every write acknowledged semi-sync is in the new primary as it took over, not only later.
        for (String id : semi) {
            assertThat(live(semiFirst.region(), "fo-semi", id)).as("acknowledged %s in the new primary", id).isTrue();
        }
        // Every region reads the same placement (one epoch, one primary).
        for (String r : List.of("eu-central", "ap-tokyo")) {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(placementIn(r, "fo-async").get("epoch").asLong()).isEqualTo(placement.get("epoch").asLong()));
        }
    }

    @Test
    @Order(2)
    void theOldPrimaryBackIsFencedItRedirectsAndNeverWritesInItsOldEpoch() throws Exception {
        String primary = placementIn("eu-central", "fo-async").get("primary_region").asText();
        nodes.startRegion("us-west");

        MaiaClient.Reply r = client.send("POST", endpoint("us-west") + "/v1/memories", KEYS.get("fo-async"),
                memory("written to the old primary"));
        assertThat(r.status()).as("%s", r.body()).isEqualTo(307);
        assertThat(r.header("X-MAIA-Primary-Region")).isEqualTo(primary);
        JsonNode leases = admin("GET", "us-west", "/admin/leases", null).body();
        assertThat(leases.get("held").asBoolean()).isTrue();
        JsonNode health = client.send("GET", endpoint("us-west") + "/health", null, null).body();
        assertThat(health.at("/lease/held").asBoolean()).isTrue();
    }

    @Test
    @Order(3)
    void aSemiSyncTenantWhoseOtherReplicaIsGoneTooStaysUnwritableUntilItIsBack() throws Exception {
        place("fo-block", "ap-tokyo", List.of("us-west", "eu-central"), "semi-sync", 1);
        List<String> acked = write("ap-tokyo", "fo-block", 5);
        nodes.stopRegion("ap-tokyo");
        nodes.stopRegion("eu-central");
        try {
            // Only us-west stands: an acknowledged write may be only in eu-central, so nobody takes over.
            await().atMost(FAILOVER_WAIT).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                JsonNode h = client.send("GET", endpoint("us-west") + "/health", null, null).body();
                assertThat(h.at("/failover/blocked").toString()).contains("fo-block");
            });
            assertThat(placementIn("us-west", "fo-block").get("primary_region").asText()).isEqualTo("ap-tokyo");
            MaiaClient.Reply r = client.send("POST", endpoint("us-west") + "/v1/memories", KEYS.get("fo-block"), memory("x"));
            assertThat(r.status()).isEqualTo(307);
            assertThat(r.header("X-MAIA-Primary-Region")).isEqualTo("ap-tokyo");
            assertThat(nodes.node("us-west").registry().get("maia.failover.blocked.tenants").gauge().value()).isGreaterThanOrEqualTo(1);
        } finally {
            nodes.startRegion("eu-central");
        }
        Written w = writeFollowing("us-west", "fo-block", "after eu-central came back");
        assertThat(w.region()).isIn("us-west", "eu-central");
        for (String id : acked) {
            assertThat(live(w.region(), "fo-block", id)).as("acknowledged %s in the new primary", id).isTrue();
        }
        nodes.startRegion("ap-tokyo");
    }

    @Test
    @Order(4)
    void anOperatorsFailoverSaysWhatItMayLoseAndNeedsAcceptLossForIt() throws Exception {
        // The operator decides here: automatic failover off in every region (the setting is the deployment's).
        for (String r : REGIONS) {
            RegionConfig manual = nodes.config(r).with(Map.of(WriteConfig.FAILOVER_AUTOMATIC, false));
            nodes.stopRegion(r);
            nodes.startRegion(r, manual);
        }
        place("fo-manual", "us-west", List.of("eu-central"), "async", 1);
        awaitLive("eu-central", "fo-manual", write("us-west", "fo-manual", 10));

        TestStack.CommandRun alive = TestStack.maia("failover", "--topology", topologyFile.toString(), "--tenant", "fo-manual",
                "--to", "eu-central", "--json");
        assertThat(alive.exit()).isEqualTo(1);
        assertThat(alive.json().at("/answer/code").asText()).isEqualTo("PRIMARY_HOLDS_LEASE");

        // Three writes the primary acknowledges but never ships, then the primary is gone.
        regions.stopMirror();
        List<String> unshipped;
        try {
            unshipped = write("us-west", "fo-manual", 3);
            nodes.stopRegion("us-west");
            await().atMost(FAILOVER_WAIT).pollInterval(Duration.ofMillis(500)).until(() ->
                    !leaseOf("eu-central", "us-west").get("valid").asBoolean());
            assertThat(placementIn("eu-central", "fo-manual").get("primary_region").asText())
                    .as("nothing fails over by itself").isEqualTo("us-west");

            TestStack.CommandRun refused = TestStack.maia("failover", "--topology", topologyFile.toString(), "--tenant",
                    "fo-manual", "--to", "eu-central", "--json");
            assertThat(refused.exit()).isEqualTo(1);
            JsonNode details = refused.json().at("/answer/details");
            assertThat(refused.json().at("/answer/code").asText()).isEqualTo("LOSS_POSSIBLE");
            assertThat(details.get("log_end_known").asBoolean()).as("us-west's Kafka answers").isTrue();
            assertThat(details.get("possible_loss_entries").asLong()).isGreaterThanOrEqualTo(3);
            assertThat(placementIn("eu-central", "fo-manual").get("primary_region").asText()).isEqualTo("us-west");

            TestStack.CommandRun forced = TestStack.maia("failover", "--topology", topologyFile.toString(), "--tenant",
                    "fo-manual", "--to", "eu-central", "--accept-loss", "--json");
            assertThat(forced.exit()).as(forced.out()).isZero();
            JsonNode answer = forced.json().get("answer");
            assertThat(answer.get("primary_region").asText()).isEqualTo("eu-central");
            assertThat(answer.at("/failover/forced").asBoolean()).isTrue();
            assertThat(write("eu-central", "fo-manual", 1)).hasSize(1);
        } finally {
            regions.startMirror();
        }
        // The old primary returns: fenced, and the writes it had not shipped arrive and are kept (nothing dropped).
        nodes.startRegion("us-west");
        MaiaClient.Reply r = client.send("POST", endpoint("us-west") + "/v1/memories", KEYS.get("fo-manual"), memory("x"));
        assertThat(r.status()).isEqualTo(307);
        awaitLive("eu-central", "fo-manual", unshipped);
        // ...and are reported as the old primary's leftovers, not applied silently.
        await().atMost(Duration.ofSeconds(30)).until(() -> nodes.node("eu-central").registry().find("maia.failover.leftovers")
                .tag("tenant", "fo-manual").counters().stream().mapToDouble(c -> c.count()).sum() >= unshipped.size());
    }

    // ---- helpers --------------------------------------------------------------------------------

    private record Written(String region, String id) {
    }

    private static String endpoint(String region) {
        return nodes.topology().requireRegion(region).endpoint();
    }

    private static String memory(String content) {
        return Json.write(Map.of("namespace", "n", "content", content));
    }

    private void place(String tenant, String primary, List<String> replicas, String syncMode, int minSync) throws Exception {
        Map<String, Object> placement = new LinkedHashMap<>();
        placement.put("mode", "replicated");
        placement.put("primary_region", primary);
        placement.put("replicas", replicas);
        placement.put("sync_mode", syncMode);
        placement.put("min_sync_replicas", minSync);
        MaiaClient.Reply r = admin("POST", primary, "/admin/tenants/" + tenant + "/placement", placement);
        assertThat(r.status()).as("%s", r.body()).isEqualTo(200);
        for (String region : REGIONS) {
            if (nodes.running(region).isPresent()) {
                await().atMost(Duration.ofSeconds(30)).until(() -> placementIn(region, tenant).path("epoch").asLong()
                        == r.body().get("epoch").asLong());
            }
        }
    }

    /** {@code count} writes at {@code region}, each answered 201 there; answers their ids. */
    private List<String> write(String region, String tenant, int count) throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            MaiaClient.Reply r = client.send("POST", endpoint(region) + "/v1/memories", KEYS.get(tenant), memory(tenant + " " + i));
            assertThat(r.status()).as("%s", r.body()).isEqualTo(201);
            ids.add(r.body().get("id").asText());
        }
        return ids;
    }

    /** A write as a client makes it: follows 307s, retries a region that does not answer or answers 503. */
    private Written writeFollowing(String region, String tenant, String content) {
        String[] at = {region};
        Written[] done = new Written[1];
        await().atMost(FAILOVER_WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
            MaiaClient.Reply r;
            try {
                r = client.send("POST", endpoint(at[0]) + "/v1/memories", KEYS.get(tenant), memory(content));
            } catch (IOException e) {
                at[0] = region; // the region named as primary does not answer: ask again where the primary is
                return false;
            }
            if (r.status() == 307) {
                at[0] = r.header("X-MAIA-Primary-Region");
                return false;
            }
            if (r.status() == 201) {
                done[0] = new Written(at[0], r.body().get("id").asText());
                return true;
            }
            at[0] = region;
            return false;
        });
        return done[0];
    }

    private boolean live(String region, String tenant, String id) {
        return nodes.node(region).apply().currentState().live(tenant, ResourceType.memory, id).isPresent();
    }

    private void awaitLive(String region, String tenant, List<String> ids) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                .until(() -> ids.stream().allMatch(id -> live(region, tenant, id)));
    }

    private JsonNode placementIn(String region, String tenant) throws Exception {
        return admin("GET", region, "/admin/tenants/" + tenant + "/placement", null).body();
    }

    private JsonNode leaseOf(String asSeenBy, String region) throws Exception {
        for (JsonNode row : admin("GET", asSeenBy, "/admin/leases", null).body().get("leases")) {
            if (row.get("region").asText().equals(region)) {
                return row;
            }
        }
        throw new AssertionError("no lease row of " + region);
    }

    private MaiaClient.Reply admin(String method, String region, String path, Object body) throws Exception {
        return client.send(method, endpoint(region) + path, nodes.topology().adminKey(), body == null ? null : Json.write(body));
    }
}
