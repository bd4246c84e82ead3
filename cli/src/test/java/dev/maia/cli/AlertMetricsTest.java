package dev.maia.cli;

import dev.maia.cli.TestStack.Tenant;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 10, item 6: the metrics the alerts use exist from the moment a region holds a tenant (counters at
 * 0), follow placement changes, and are served on the management listener; the API port's /metrics asks
 * for a key. Scraped over HTTP from the shared stack's regions, as Prometheus does.
 */
class AlertMetricsTest extends RegionsTest {
    private static final Duration ROUNDS = Duration.ofSeconds(60);

    private static String management(String region) {
        return nodes.node(region).managementEndpoint().orElseThrow();
    }

    private String scrape(String region) throws Exception {
        var r = client.raw("GET", management(region) + "/metrics", null, null);
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    private static Double value(String scrape, String series) {
        return TestStack.metric(scrape, series);
    }

    private static String labels(String name, String... pairs) {
        StringBuilder b = new StringBuilder(name).append('{');
        for (int i = 0; i < pairs.length; i += 2) {
            b.append(i == 0 ? "" : ",").append(pairs[i]).append("=\"").append(pairs[i + 1]).append('"');
        }
        return b.append('}').toString();
    }

    @Test
    void aNewlyHeldTenantHasTheRfdMetricsAtZeroBeforeItsFirstWriteAndLosesThemWhenHeldNoMore() throws Exception {
        Tenant t = TestStack.tenant();
        assertThat(TestStack.postPlacement("us-west", t.id(), "{\"mode\":\"replicated\",\"primary_region\":\"us-west\","
                + "\"replicas\":[\"eu-central\"],\"sync_mode\":\"semi-sync\",\"min_sync_replicas\":1}").status()).isEqualTo(200);

        String errors = labels("maia_replication_errors_total", "origin_region", "us-west", "reason", "checksum_mismatch",
                "region", "eu-central", "tenant", t.id());
        String conflicts = labels("maia_conflicts_resolved_total", "region", "eu-central", "strategy", "lww", "tenant", t.id());
        String lag = labels("maia_replication_lag_seconds", "origin_region", "us-west", "region", "eu-central", "tenant", t.id());
        String position = labels("maia_replication_position", "origin_region", "us-west", "partition", "0",
                "region", "eu-central", "tenant", t.id());
        await().atMost(ROUNDS).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            String s = scrape("eu-central");
            assertThat(value(s, errors)).as(errors).isEqualTo(0.0);
            assertThat(value(s, conflicts)).as(conflicts).isEqualTo(0.0);
            assertThat(value(s, lag)).as(lag).isEqualTo(0.0);
            assertThat(value(s, position)).as("nothing applied yet: %s", position).isEqualTo(-1.0);
        });
        // Every reason and strategy, not only the first.
        String s = scrape("eu-central");
        assertThat(value(s, labels("maia_replication_errors_total", "origin_region", "us-west", "reason", "unknown_schema",
                "region", "eu-central", "tenant", t.id()))).isEqualTo(0.0);
        assertThat(value(s, labels("maia_conflicts_resolved_total", "region", "eu-central", "strategy", "merge",
                "tenant", t.id()))).isEqualTo(0.0);
        // The primary waits for a replica on every write: its sync meters exist before the first.
        await().atMost(ROUNDS).untilAsserted(() -> {
            String primary = scrape("us-west");
            assertThat(value(primary, labels("maia_sync_timeouts_total", "mode", "semi-sync", "region", "us-west",
                    "tenant", t.id()))).isEqualTo(0.0);
            assertThat(value(primary, labels("maia_sync_wait_seconds_count", "mode", "semi-sync", "region", "us-west",
                    "tenant", t.id()))).isEqualTo(0.0);
            assertThat(primary).contains("maia_sync_wait_seconds_bucket{mode=\"semi-sync\",region=\"us-west\",tenant=\"" + t.id());
        });
        // A region that does not hold the tenant has none of them.
        assertThat(scrape("ap-tokyo")).doesNotContain("tenant=\"" + t.id() + "\"");

        // The first write moves the position; the error counter stays at 0.
        TestStack.writeMemories("us-west", t.key(), 1, "alert metrics");
        await().atMost(ROUNDS).untilAsserted(() -> {
            String after = scrape("eu-central");
            assertThat(List.of("0", "1", "2").stream().map(p -> value(after, labels("maia_replication_position",
                    "origin_region", "us-west", "partition", p, "region", "eu-central", "tenant", t.id())))
                    .anyMatch(v -> v != null && v >= 0)).as("a partition's position moved").isTrue();
        });
        assertThat(value(scrape("us-west"), labels("maia_sync_wait_seconds_count", "mode", "semi-sync", "region", "us-west",
                "tenant", t.id()))).isEqualTo(1.0);

        // Held no more: the region's series of the tenant go.
        assertThat(TestStack.postPlacement("us-west", t.id(), "{\"mode\":\"single\",\"primary_region\":\"us-west\"}").status())
                .isEqualTo(200);
        await().atMost(ROUNDS).untilAsserted(() -> assertThat(scrape("eu-central")).doesNotContain("tenant=\"" + t.id() + "\""));
    }

    @Test
    void everyRegionExportsReachabilityTheLagMaximumDlqStoreFillAndTheMirrorTasksOfItsFlows() throws Exception {
        await().atMost(ROUNDS).untilAsserted(() -> {
            String s = scrape("eu-central");
            for (String origin : List.of("us-west", "eu-central", "ap-tokyo")) {
                assertThat(value(s, labels("maia_replication_origin_reachable", "origin_region", origin, "region", "eu-central")))
                        .as(origin).isEqualTo(1.0);
            }
            assertThat(value(s, labels("maia_replication_lag_max_seconds", "region", "eu-central"))).isEqualTo(30.0);
            assertThat(value(s, labels("maia_dlq_records", "region", "eu-central"))).isNotNull();
            assertThat(value(s, labels("maia_store_used_ratio", "region", "eu-central"))).isBetween(0.0, 1.0);
            // The flows into eu-central, as the mirror process of a deployment serves them.
            for (String source : List.of("us-west", "ap-tokyo")) {
                assertThat(value(s, labels("maia_mirror_task_running", "connector", "MirrorSourceConnector",
                        "source_region", source, "target_region", "eu-central", "task", "connector"))).as(source).isEqualTo(1.0);
                assertThat(value(s, labels("maia_mirror_task_running", "connector", "MirrorSourceConnector",
                        "source_region", source, "target_region", "eu-central", "task", "0"))).as(source).isEqualTo(1.0);
            }
            assertThat(s).doesNotContain("target_region=\"us-west\"");
        });
    }

    @Test
    void theApiPortsMetricsAskForTheAdminOrMetricsKeyWhileHealthAnswersAnyone() throws Exception {
        Tenant t = TestStack.tenant();
        String api = nodes.node("us-west").endpoint();
        MaiaClient.Reply none = client.send("GET", api + "/metrics", null, null);
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.body().get("code").asText()).isEqualTo("UNAUTHORIZED");
        assertThat(client.send("GET", api + "/metrics", t.key(), null).status()).as("a tenant's key").isEqualTo(401);
        var admin = client.raw("GET", api + "/metrics", TestStack.adminKey(), null);
        assertThat(admin.statusCode()).isEqualTo(200);
        assertThat(admin.body()).contains("maia_replication_lag_max_seconds");
        // The management listener is on loopback without a metrics key here: it answers anyone who reaches it.
        assertThat(management("us-west")).startsWith("http://127.0.0.1:");
        for (String endpoint : List.of(api, management("us-west"))) {
            MaiaClient.Reply health = client.send("GET", endpoint + "/health", null, null);
            assertThat(health.status()).as(endpoint).isEqualTo(200);
            assertThat(health.body().get("status").asText()).isIn("ok", "degraded");
        }
    }
}
