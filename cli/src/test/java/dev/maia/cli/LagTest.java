package dev.maia.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** With MirrorMaker stopped, lag grows for the tenants it affects only; after a restart it returns to 0, exactly once. */
class LagTest extends RegionsTest {
    private static final Logger log = LoggerFactory.getLogger(LagTest.class);
    private record LagRun(int exit, JsonNode rows) {
    }

    private static LagRun lag(Path topology, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("lag", "--topology", topology.toString(), "--json"));
        args.addAll(List.of(extra));
        long start = System.nanoTime();
        TestStack.CommandRun run = TestStack.maia(args.toArray(String[]::new));
        log.info("maia {} took {} ms", String.join(" ", args), (System.nanoTime() - start) / 1_000_000);
        return new LagRun(run.exit(), run.json());
    }

    private static JsonNode row(JsonNode rows, String region, String tenant, String origin) {
        for (JsonNode r : rows) {
            if (r.get("region").asText().equals(region) && r.get("tenant").asText().equals(tenant)
                    && r.get("origin_region").asText().equals(origin)) {
                return r;
            }
        }
        return null;
    }

    @Test
    void lagGrowsWhileMirrorMakerIsDownAndReturnsToZeroAfter() throws Exception {
        Path topology = TestStack.topologyFile();
        TestStack.Tenant busy = TestStack.tenant();
        TestStack.Tenant quiet = TestStack.tenant();
        TestStack.place(busy.id(), "global", "us-west");
        TestStack.place(quiet.id(), "global", "us-west");
        List<String> ids = TestStack.writeMemories("us-west", busy.key(), 5, "lag");
        List<String> quietIds = TestStack.writeMemories("us-west", quiet.key(), 5, "lag");
        TestStack.awaitLive("eu-central", busy.id(), ids);
        TestStack.awaitLive("eu-central", quiet.id(), quietIds);
        // Waits ask for the one tenant: a lag of every tenant the shared stack holds (well over a hundred by
        // now) can take longer than one poll may.
        await().atMost(Duration.ofSeconds(30)).until(() ->
                row(lag(topology, "--tenant", busy.id()).rows(), "eu-central", busy.id(), "us-west").get("records_behind").asLong() == 0);

        TestStack.regions().stopMirror();
        try {
            ids.addAll(TestStack.writeMemories("us-west", busy.key(), 20, "lag"));
            JsonNode first = lag(topology).rows();
            JsonNode behind = row(first, "eu-central", busy.id(), "us-west");
            assertThat(behind.get("records_behind").asLong()).isEqualTo(20);
            assertThat(behind.get("mm2_lag_records").asLong()).isEqualTo(20);
            assertThat(behind.get("apply_lag_records").asLong()).isZero();
            assertThat(row(first, "us-west", busy.id(), "us-west").get("records_behind").asLong())
                    .as("the primary applies its own log").isZero();
            assertThat(row(first, "eu-central", quiet.id(), "us-west").get("records_behind").asLong())
                    .as("a tenant with no new writes is not behind").isZero();
            Thread.sleep(1500);
            LagRun later = lag(topology, "--tenant", busy.id(), "--max-lag-seconds", "1");
            assertThat(row(later.rows(), "eu-central", busy.id(), "us-west").get("seconds_behind").asDouble())
                    .isGreaterThan(behind.get("seconds_behind").asDouble()).isGreaterThan(1.0);
            assertThat(later.exit()).as("--max-lag-seconds 1 fails while behind").isEqualTo(2);

            String metric = "maia_replication_lag_records{origin_region=\"us-west\",region=\"eu-central\",tenant=\"" + busy.id() + "\"} 20.0";
            await().atMost(Duration.ofSeconds(15)).until(() -> nodes.node("eu-central").registry().scrape().contains(metric));
            assertThat(nodes.node("eu-central").registry().scrape())
                    .contains("maia_replication_lag_records{origin_region=\"us-west\",region=\"eu-central\",tenant=\"" + quiet.id() + "\"} 0.0");
        } finally {
            TestStack.regions().startMirror();
        }
        await().atMost(Duration.ofSeconds(60)).until(() ->
                row(lag(topology, "--tenant", busy.id()).rows(), "eu-central", busy.id(), "us-west").get("records_behind").asLong() == 0);
        assertThat(lag(topology, "--tenant", busy.id(), "--max-lag-seconds", "30").exit()).isZero();
        assertThat(ids).allMatch(id -> TestStack.isLive("eu-central", busy.id(), id));
        double applied = TestStack.applied("eu-central", busy.id());
        assertThat(applied).as("every write applied exactly once").isEqualTo(25.0);
    }
}
