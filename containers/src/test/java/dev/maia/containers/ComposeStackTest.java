package dev.maia.containers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The compose stack as a user runs it: {@code compose/up} once for the run (engine check, images, every
 * service healthy, the demo tenants placed; {@link ComposeStack}, shared with FaultSuiteTest), {@code maia produce}
 * from the host against {@code compose/topology.yaml}, then every region holds what its placements say (verify:
 * equal digests in exactly the holders; lag: 0 everywhere) and Prometheus scrapes every target.
 * {@code compose/down} always runs at the end of the run.
 *
 * <p>Not Testcontainers' compose module: it reaches services through an ambassador (socat) image that cannot
 * be pulled here, and compose/up already owns the health waits and the tenants, which users run too.
 */
@ExtendWith({DockerRequired.class, ComposeStack.class})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Order(ComposeStackTest.CLASS_ORDER)
class ComposeStackTest {

    /** After every class without an order (they start containers of their own), before FaultSuiteTest. */
    static final int CLASS_ORDER = Order.DEFAULT + 1;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** compose/topology.yaml with the admin's TLS settings, as compose/up writes it (compose/.certs, never committed). */
    private static final String TOPOLOGY = ProjectScripts.ROOT.resolve("compose/.certs/topology.yaml").toString();
    private static final String PROMETHEUS = "http://127.0.0.1:20090";
    /** Each demo tenant, its primary and every region that must hold it (compose/up's placements). */
    private static final Map<String, List<String>> HOLDERS = Map.of(
            "acme", List.of("us-west", "eu-central", "ap-tokyo"),
            "globex", List.of("eu-central", "us-west"),
            "initech", List.of("ap-tokyo"));
    private static final int WRITES = 100;

    @Test
    @Order(1)
    void writesProducedFromTheHostReachEveryRegionTheirPlacementNames() throws Exception {
        for (Map.Entry<String, List<String>> t : new TreeMap<>(HOLDERS).entrySet()) {
            // globex is written through us-west, not its primary: the 307's Location names eu-central's address
            // inside Docker, so the writer must find the primary in its own topology (X-MAIA-Primary-Region).
            String via = t.getKey().equals("globex") ? "us-west" : t.getValue().get(0);
            ProjectScripts.Result produced = ProjectScripts.maia("produce-" + t.getKey(), Duration.ofMinutes(3),
                    "produce", "--topology", TOPOLOGY, "--count", Integer.toString(WRITES), "--tenants", t.getKey(),
                    "--region", via, "--json");
            assertThat(produced.exitCode()).as(produced.output()).isZero();
            JsonNode summary = lastJsonLine(produced.output());
            assertThat(summary.path("errors").asLong()).as("errors writing %s: %s", t.getKey(), summary).isZero();
            assertThat(summary.path("redirected").asLong()).as("writes of %s redirected", t.getKey())
                    .isEqualTo(via.equals(t.getValue().get(0)) ? 0 : WRITES);
        }

        ProjectScripts.Result verified = ProjectScripts.maia("verify", Duration.ofMinutes(4),
                "verify", "--topology", TOPOLOGY, "--json", "--timeout", "180");
        assertThat(verified.exitCode()).as(verified.output()).isZero();
        JsonNode doc = lastJsonLine(verified.output());
        assertThat(doc.get("equal").asBoolean()).isTrue();
        for (JsonNode tenant : doc.get("tenants")) {
            String id = tenant.get("tenant").asText();
            if (!HOLDERS.containsKey(id)) {
                continue;
            }
            List<String> regions = new ArrayList<>();
            tenant.get("regions").fieldNames().forEachRemaining(regions::add);
            assertThat(regions).as("regions holding %s", id).containsExactlyInAnyOrderElementsOf(HOLDERS.get(id));
            tenant.get("regions").forEach(r -> assertThat(r.get("resources").asLong())
                    .as("resources of %s", id).isGreaterThanOrEqualTo(WRITES));
        }

        ProjectScripts.Result lag = ProjectScripts.maia("lag", Duration.ofMinutes(3),
                "lag", "--topology", TOPOLOGY, "--max-lag-seconds", "30");
        assertThat(lag.exitCode()).as("maia lag:\n%s", lag.output()).isZero();
    }

    @Test
    @Order(2)
    void prometheusScrapesEveryTargetUp() {
        await("every Prometheus target up").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(3))
                .untilAsserted(() -> {
                    Map<String, String> health = new TreeMap<>();
                    prometheus("/api/v1/targets").at("/data/activeTargets").forEach(t ->
                            health.put(t.at("/labels/job").asText() + " " + t.get("scrapeUrl").asText(),
                                    t.get("health").asText() + " " + t.path("lastError").asText()));
                    assertThat(health).as("targets").hasSize(7);
                    assertThat(health).allSatisfy((target, state) -> assertThat(state).as(target).startsWith("up"));
                });
    }

    /**
     * The dashboard as Grafana would draw it: every panel's query, its variables at "All", answers with data
     * from the stack's own Prometheus (after the writes above, so rates and the sync-wait histogram have some).
     */
    @Test
    @Order(3)
    void everyDashboardPanelHasData() throws Exception {
        List<DashboardQuery> queries = DashboardQuery.all();
        assertThat(queries).hasSizeGreaterThanOrEqualTo(10);
        for (DashboardQuery q : queries) {
            await(q.panel()).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(3)).untilAsserted(() ->
                    assertThat(prometheus("/api/v1/query?query=" + URLEncoder.encode(q.expr(), StandardCharsets.UTF_8))
                            .at("/data/result")).as("series of %s", q.expr()).isNotEmpty());
        }
    }

    /**
     * The stack's Kafka listeners as someone on the host finds them: the deployment's ACLs are there (created by
     * the acls one-shot before anything connected; no ACL lets a region into another region's cluster), and a
     * client with a certificate from another CA gets no answer at all.
     */
    @Test
    @Order(4)
    void kafkaAnswersOnlyCertificatesOfTheStacksCaAndHoldsTheDeploymentsAcls() throws Exception {
        String hostTopology = ProjectScripts.ROOT.resolve("compose/topology.yaml").toString();
        String certs = ProjectScripts.ROOT.resolve("compose/.certs").toString();
        ProjectScripts.Result listed = ProjectScripts.maia("acls-list", Duration.ofMinutes(2),
                "acls", "list", "--topology", hostTopology, "--cluster", "all", "--certs", certs, "--json");
        assertThat(listed.exitCode()).as(listed.output()).isZero();
        List<String> lines = listed.output().lines().filter(l -> l.startsWith("[")).toList();
        assertThat(lines).as("a JSON array in:\n%s", listed.output()).isNotEmpty();
        Map<String, List<String>> principalsByCluster = new TreeMap<>();
        List<String> peerOperationsInUsWest = new ArrayList<>();
        JSON.readTree(lines.get(lines.size() - 1)).forEach(row -> {
            String cluster = row.get("cluster").asText();
            String principal = row.get("principal").asText();
            principalsByCluster.computeIfAbsent(cluster, c -> new ArrayList<>()).add(principal);
            if (cluster.equals("us-west") && principal.startsWith("User:maia-region-") && !principal.endsWith("-us-west")) {
                peerOperationsInUsWest.add(row.get("operation").asText());
            }
        });
        assertThat(principalsByCluster).containsOnlyKeys("us-west", "eu-central", "ap-tokyo", "control");
        assertThat(principalsByCluster.get("us-west")).contains("User:maia-region-us-west", "User:maia-mirror", "User:maia-monitor");
        // Another region's service only reads us-west's logs there (its lag probe): nothing that writes.
        assertThat(peerOperationsInUsWest).isNotEmpty().allMatch(op -> op.equals("READ") || op.equals("DESCRIBE"));
        assertThat(principalsByCluster.get("control")).contains("User:maia-region-us-west", "User:maia-region-eu-central",
                "User:maia-region-ap-tokyo");

        java.nio.file.Path other = java.nio.file.Files.createTempDirectory("maia-other-ca");
        ProjectScripts.Result made = ProjectScripts.maia("certs-other", Duration.ofMinutes(1),
                "certs", "--topology", hostTopology, "--out", other.resolve("certs").toString());
        assertThat(made.exitCode()).as(made.output()).isZero();
        ProjectScripts.Result refused = ProjectScripts.maia("acls-other-ca", Duration.ofMinutes(1),
                "acls", "list", "--topology", hostTopology, "--cluster", "us-west", "--certs", other.resolve("certs").toString(),
                "--timeout", "10");
        try (var files = java.nio.file.Files.walk(other)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
        assertThat(refused.exitCode()).as(refused.output()).isNotZero();
        assertThat(refused.output()).contains("SSL handshake failed");
    }

    /** GET of the stack's Prometheus API; asserts 200 and answers the JSON. */
    private static JsonNode prometheus(String pathAndQuery) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(PROMETHEUS + pathAndQuery))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("%s: %s", pathAndQuery, r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    /** The JSON document a --json command prints last (progress lines may come before it). */
    private static JsonNode lastJsonLine(String output) throws Exception {
        List<String> lines = output.lines().filter(l -> l.startsWith("{")).toList();
        assertThat(lines).as("a JSON line in:\n%s", output).isNotEmpty();
        return JSON.readTree(lines.get(lines.size() - 1));
    }
}
