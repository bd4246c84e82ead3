package dev.maia.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maia.schemas.http.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Smoke test of {@code maia bench} with tiny numbers: every part runs against real local regions and
 * Kafka's perf tools, and the JSON has every section with positive numbers. A benchmark is not a timed
 * test: nothing here asserts a time, a rate or whether a target was met.
 */
class BenchCommandTest {

    @TempDir
    Path work;

    @Test
    void everyPartReportsPositiveNumbers() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new BenchCommand());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute("--records", "2000", "--http-records", "200", "--wrk-seconds", "1", "--rate", "200", "--lag-seconds", "2",
                "--sync-writes", "20", "--sync-rate", "20", "--wal-seconds", "12", "--wal-rate", "50", "--json", "--work-dir", work.resolve("bench").toString());
        assertThat(exit).as("exit; stderr:\n%s", err).isZero();
        JsonNode r = Json.MAPPER.readTree(out.toString());

        assertThat(r.path("machine").path("cpus").asInt()).isPositive();
        assertThat(r.path("config").path("wal_entry_bytes").asInt()).isPositive();

        JsonNode producer = r.path("producer");
        assertThat(producer.path("library").path("records").asLong()).isEqualTo(2000);
        assertThat(producer.path("library").path("records_per_second").asDouble()).isPositive();
        assertThat(producer.path("library").path("mb_per_second").asDouble()).isPositive();
        assertThat(producer.path("kafka").path("records").asLong()).isEqualTo(2000);
        assertThat(producer.path("kafka").path("records_per_second").asDouble()).isPositive();
        assertThat(producer.path("http").path("records").asLong()).isEqualTo(200);
        assertThat(producer.path("http").path("records_per_second").asDouble()).isPositive();
        assertThat(producer.path("ratio").asDouble()).isPositive();
        boolean wrk = WrkScenario.installed(); // .ci/run installs it; a machine without it gets a row that says so
        if (wrk) {
            JsonNode viaWrk = producer.path("http_wrk");
            assertThat(viaWrk.path("requests").asLong()).isPositive();
            assertThat(viaWrk.path("records_per_second").asDouble()).isPositive();
            assertThat(viaWrk.path("errors").path("status").asLong()).as("answers that were not 2xx").isZero();
            assertThat(viaWrk.path("latency_ms").path("p99").asDouble()).isPositive();
        } else {
            assertThat(producer.has("http_wrk")).isFalse();
        }

        assertThat(r.path("config").path("parts").toString()).as("the data part is opt-in").doesNotContain("data");
        assertThat(r.has("data")).isFalse();

        JsonNode apply = r.path("apply");
        assertThat(apply.path("maia").path("records").asLong()).isEqualTo(2000);
        assertThat(apply.path("maia").path("records_per_second").asDouble()).isPositive();
        assertThat(apply.path("kafka").path("records").asLong()).isEqualTo(2000);
        assertThat(apply.path("kafka").path("records_per_second").asDouble()).isPositive();
        assertThat(apply.path("ratio").asDouble()).isPositive();

        JsonNode lag = r.path("lag");
        assertThat(lag.path("writes").asLong()).isEqualTo(400);
        for (String side : new String[] {"maia", "mm2"}) {
            assertThat(lag.path(side).path("count").asLong()).as(side).isEqualTo(400);
            assertThat(lag.path(side).path("missing").asLong()).as(side).isZero();
            assertThat(lag.path(side).path("p50_ms").asDouble()).as(side).isPositive();
            assertThat(lag.path(side).path("p99_ms").asDouble()).as(side).isPositive();
            assertThat(lag.path(side).path("max_ms").asDouble()).as(side).isPositive();
        }

        JsonNode sync = r.path("sync");
        assertThat(sync.has("available")).isTrue();
        if (sync.path("available").asBoolean()) {
            for (String mode : BenchStack.SYNC_MODES) {
                assertThat(sync.path("modes").path(mode).path("writes").asLong()).as(mode).isEqualTo(20);
                assertThat(sync.path("modes").path(mode).path("latency_ms").path("p50").asDouble()).as(mode).isPositive();
                assertThat(sync.path("modes").path(mode).path("latency_ms").path("p99").asDouble()).as(mode).isPositive();
            }
        } else {
            assertThat(sync.path("reason").asText()).isNotBlank();
        }

        JsonNode catchup = r.path("catchup");
        assertThat(catchup.path("records").asLong()).isEqualTo(2000);
        assertThat(catchup.path("seconds_to_caught_up").asDouble()).isPositive();
        assertThat(catchup.path("records_per_second").asDouble()).isPositive();

        JsonNode wal = r.path("wal");
        assertThat(wal.path("updates").asLong()).isPositive();
        assertThat(wal.path("samples").size()).isGreaterThanOrEqualTo(2);
        wal.path("samples").forEach(s -> assertThat(s.path(BenchStack.PRIMARY).asLong()).as("log bytes").isPositive());
        assertThat(wal.path("latest_version_read_in")).hasSize(3);

        assertThat(r.path("targets")).hasSize(wrk ? 4 : 3);
        r.path("targets").forEach(t -> assertThat(t.path("ratio").asDouble()).isPositive());
    }

    /** The data part alone, without a cluster: one store per count, listed, counted, reopened and rebuilt. */
    @Test
    void theDataPartFillsOneStorePerCountAndReportsHeapStartupPagesAndDisk() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new BenchCommand());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute("--only", "data", "--data-memories", "1000,3000", "--json", "--work-dir", work.resolve("data").toString());
        assertThat(exit).as("exit; stderr:\n%s", err).isZero();
        JsonNode r = Json.MAPPER.readTree(out.toString());
        JsonNode data = r.path("data");
        assertThat(data).hasSize(2);
        assertThat(data.get(0).path("memories").asLong()).isEqualTo(1000);
        assertThat(data.get(1).path("memories").asLong()).isEqualTo(3000);
        for (JsonNode n : data) {
            assertThat(n.path("index_rebuilt").isNull()).as("a cleanly closed store reopens without a rebuild").isTrue();
            assertThat(n.path("reopen_ms").asDouble()).isPositive();
            assertThat(n.path("rebuild_ms").asDouble()).isPositive();
            assertThat(n.path("heap_after_listing_gc_mb").asDouble()).isPositive();
            assertThat(n.path("offset_page").path("count").asLong()).isEqualTo(2000);
            assertThat(n.path("cursor_page").path("count").asLong()).isEqualTo(2000);
            assertThat(n.path("disk_bytes").asLong()).isGreaterThan(n.path("index_file_bytes").asLong()).isPositive();
        }
        assertThat(r.path("targets")).extracting(t -> t.path("name").asText())
                .containsExactly("data heap 3000 vs 1000", "data startup 3000 vs 1000");
        assertThat(cli.execute("--only", "data", "--data-memories", "10")).isEqualTo(1);
    }

    @Test
    void tenantsPartReportsEveryFigureForEachStep() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new BenchCommand());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute("--only", "tenants", "--tenant-counts", "3,2", "--tenant-rate", "30", "--tenant-seconds", "1",
                "--json", "--work-dir", work.resolve("bench").toString());
        assertThat(exit).as("exit; stderr:\n%s", err).isZero();
        JsonNode tenants = Json.MAPPER.readTree(out.toString()).path("tenants");

        assertThat(tenants.path("discovery_bounds").path("mm2_refresh_topics_interval_seconds").asLong()).isPositive();
        assertThat(tenants.path("discovery_bounds").path("apply_consumer_metadata_max_age_ms").asLong()).isPositive();
        assertThat(tenants.path("before").path("heap_after_gc_mb").asDouble()).isPositive();
        JsonNode steps = tenants.path("steps");
        assertThat(steps).hasSize(2);
        int[] counts = {3, 2};
        for (int i = 0; i < counts.length; i++) {
            JsonNode step = steps.get(i);
            String as = counts[i] + " tenants";
            assertThat(step.path("tenants").asInt()).as(as).isEqualTo(counts[i]);
            assertThat(step.path("tenants_in_regions").asInt()).as(as).isEqualTo(i == 0 ? 3 : 5);
            assertThat(step.path("provision").path("placements_seconds").asDouble()).as(as).isPositive();
            assertThat(step.path("provision").path("topics_seconds").asDouble()).as(as).isPositive();
            JsonNode discovery = step.path("discovery");
            assertThat(discovery.path("count").asInt()).as(as + ": every tenant's first write applied remotely").isEqualTo(counts[i]);
            assertThat(discovery.path("missing").asInt()).as(as).isZero();
            assertThat(discovery.path("p99_ms").asDouble()).as(as).isPositive();
            assertThat(discovery.path("from_topic_created").path("p99_ms").asDouble()).as(as).isPositive();
            JsonNode steady = step.path("steady");
            assertThat(steady.path("writes").asLong()).as(as).isEqualTo(30);
            assertThat(steady.path("count").asLong()).as(as + ": every steady write applied remotely").isEqualTo(30);
            assertThat(steady.path("missing").asInt()).as(as).isZero();
            assertThat(steady.path("p99_ms").asDouble()).as(as).isPositive();
            assertThat(step.path("jvm").path("heap_after_gc_mb").asDouble()).as(as).isPositive();
            assertThat(step.path("jvm").path("threads").asInt()).as(as).isPositive();
            assertThat(step.path("errors").path("total").asLong()).as(as + ": %s", step.path("errors")).isZero();
        }
    }

    @Test
    void rejectsAnUnknownPart() {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new BenchCommand());
        cli.setErr(new PrintWriter(err, true));
        cli.setExecutionExceptionHandler((e, c, parsed) -> {
            c.getErr().println("maia: " + e.getMessage());
            return 1;
        });
        assertThat(cli.execute("--only", "producer,nonsense")).isEqualTo(1);
        assertThat(err.toString()).contains("unknown part 'nonsense'");
    }
}
