package dev.maia.cli;

import dev.maia.producer.WalRecordKey;
import com.fasterxml.jackson.databind.JsonNode;
import dev.maia.schemas.http.Json;
import dev.maia.schemas.wal.WalTopics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code maia produce}, run in-process against the shared real three-region stack. */
class ProduceCommandTest extends RegionsTest {
    private static Path topologyFile;

    @TempDir
    static Path dir;

    @BeforeAll
    static void writeTopology() throws Exception {
        topologyFile = dir.resolve("topology.yaml");
        nodes.topology().write(topologyFile);
    }

    /** The outcome of one in-process command: exit code, stdout, stderr. */
    private record Run(int exit, String out, String err) {
        JsonNode summary() throws Exception {
            return Json.MAPPER.readTree(out);
        }

        String describe() {
            return "exit " + exit + "\nstdout: " + out + "\nstderr: " + err;
        }
    }

    private static Run produce(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new MaiaCommand());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        // As MaiaCommand.main does: one line that says why.
        cli.setExecutionExceptionHandler((e, c, parsed) -> {
            c.getErr().println("maia: " + Failures.oneLine(e));
            return 1;
        });
        List<String> full = new ArrayList<>(List.of("produce", "--topology", topologyFile.toString()));
        full.addAll(List.of(args));
        int exit = cli.execute(full.toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }

    private static Set<String> loggedIds(String region, String tenant) {
        return TestStack.readAll(region, WalTopics.wal(tenant)).stream().map(r -> WalRecordKey.resourceId(r.key())).collect(Collectors.toSet());
    }

    @Test
    void tenThousandGeneratedMemoriesStraightToKafkaAreWrittenAndApplied() throws Exception {
        TestStack.Tenant t = TestStack.tenant();
        TestStack.place(t.id(), "single", "us-west");

        Run run = produce("--region", "us-west", "--count", "10000", "--tenants", t.id(), "--via", "kafka", "--json");

        assertThat(run.exit()).as(run.describe()).isZero();
        System.out.println("produce summary: " + run.out());
        JsonNode s = run.summary();
        assertThat(s.get("records").asLong()).isEqualTo(10_000);
        assertThat(s.get("errors").asLong()).isZero();
        assertThat(s.get("via").asText()).isEqualTo("kafka");
        assertThat(s.get("region").asText()).isEqualTo("us-west");
        assertThat(s.get("by_tenant").get(t.id()).get("records").asLong()).isEqualTo(10_000);
        assertThat(s.get("records_per_second").asDouble()).isPositive();
        assertThat(s.get("latency_ms").get("p50").asDouble()).isPositive();
        assertThat(s.get("latency_ms").get("p99").asDouble()).isGreaterThanOrEqualTo(s.get("latency_ms").get("p50").asDouble());

        // The apply side holds all of them: its counter, and every id in the log is live in the store.
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> TestStack.applied("us-west", t.id()) >= 10_000);
        assertThat(TestStack.applied("us-west", t.id())).isEqualTo(10_000.0);
        List<ConsumerRecord<String, byte[]>> log = TestStack.readAll("us-west", WalTopics.wal(t.id()));
        assertThat(log).hasSize(10_000);
        assertThat(log.stream().map(ConsumerRecord::partition).distinct()).as("the deployment's 3 partitions")
                .containsExactlyInAnyOrder(0, 1, 2);
        Set<String> ids = log.stream().map(r -> WalRecordKey.resourceId(r.key())).collect(Collectors.toSet());
        assertThat(ids).hasSize(10_000);
        TestStack.awaitLive("us-west", t.id(), ids);
        for (String id : ids.stream().limit(3).toList()) {
            MaiaClient.Reply got = client.send("GET", url("us-west", "/v1/memories/" + id), t.key(), null);
            assertThat(got.status()).isEqualTo(200);
            assertThat(got.body().get("namespace").asText()).isEqualTo("maia-produce");
            assertThat(got.body().get("content").asText()).startsWith("memory #").hasSize(256);
        }
    }

    @Test
    void aPacedHttpRunIsWrittenAndReadableInAnotherRegion() throws Exception {
        TestStack.Tenant t = TestStack.tenant();
        TestStack.place(t.id(), "global", "us-west");

        Run run = produce("--region", "us-west", "--count", "200", "--rate", "100", "--size", "64", "--tenants", t.id(), "--json");

        assertThat(run.exit()).as(run.describe()).isZero();
        JsonNode s = run.summary();
        assertThat(s.get("records").asLong()).isEqualTo(200);
        assertThat(s.get("errors").asLong()).isZero();
        assertThat(s.get("via").asText()).isEqualTo("http");
        assertThat(s.get("redirected").asLong()).isZero();
        assertThat(s.get("seconds").asDouble()).as("200 records at 100/s are paced, not sent at once").isGreaterThanOrEqualTo(1.9);
        assertThat(s.get("records_per_second").asDouble()).isLessThanOrEqualTo(105);

        Set<String> ids = loggedIds("us-west", t.id());
        assertThat(ids).hasSize(200);
        TestStack.awaitLive("eu-central", t.id(), ids);
        String sample = ids.iterator().next();
        MaiaClient.Reply got = client.send("GET", url("eu-central", "/v1/memories/" + sample), t.key(), null);
        assertThat(got.status()).isEqualTo(200);
        assertThat(got.body().get("content").asText()).hasSize(64);
    }

    @Test
    void aTenantWhosePrimaryIsElsewhereIsRefusedByKafkaAndRedirectedByHttp() throws Exception {
        TestStack.Tenant t = TestStack.tenant();
        TestStack.place(t.id(), "global", "eu-central");
        // us-west must know the placement (it arrives through MirrorMaker) before anything is written there.
        TestStack.awaitGet("us-west", TestStack.placementPath(t.id()), TestStack.adminKey(),
                p -> p.status() == 200 && "eu-central".equals(p.body().path("primary_region").asText()));

        Run refused = produce("--region", "us-west", "--count", "10", "--tenants", t.id(), "--via", "kafka", "--json");
        assertThat(refused.exit()).as(refused.describe()).isNotZero();
        assertThat(refused.err()).contains("maia: refusing to append in us-west")
                .contains("tenant " + t.id() + " has primary region eu-central");
        assertThat(refused.err().strip().lines()).hasSize(1);
        assertThat(TestStack.topics("us-west")).as("nothing appended in us-west").doesNotContain(WalTopics.wal(t.id()));

        Run redirected = produce("--region", "us-west", "--count", "20", "--tenants", t.id(), "--json");
        assertThat(redirected.exit()).as(redirected.describe()).isZero();
        JsonNode s = redirected.summary();
        assertThat(s.get("records").asLong()).isEqualTo(20);
        assertThat(s.get("redirected").asLong()).isEqualTo(20);
        assertThat(s.get("errors").asLong()).isZero();
        assertThat(loggedIds("eu-central", t.id())).as("written in the primary").hasSize(20);

        Run noKey = produce("--region", "us-west", "--count", "3", "--tenants", "no-such-tenant", "--json");
        assertThat(noKey.exit()).isEqualTo(1);
        assertThat(noKey.summary().get("errors").asLong()).isEqualTo(3);
        assertThat(noKey.summary().get("error_reasons").get("no_api_key").asLong()).isEqualTo(3);
    }

    @Test
    void jsonLinesFromAFileAreWrittenAndBadLinesCountedWithTheirReason() throws Exception {
        TestStack.Tenant t = TestStack.tenant();
        TestStack.place(t.id(), "single", "us-west");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            lines.add(Json.write(Map.of("tenant", t.id(), "namespace", "agents/file", "content", "from a file #" + i,
                    "type", "episodic", "tags", List.of("file"), "metadata", Map.of("line", i))));
        }
        lines.add(2, "{\"tenant\": \"" + t.id() + "\", \"namespace\": ");            // malformed
        lines.add("");                                                               // blank: skipped
        lines.add("{\"namespace\":\"n\",\"content\":\"whose?\"}");                   // no tenant
        lines.add("{\"tenant\":\"" + t.id() + "\",\"namespace\":\"n\",\"type\":\"dream\",\"content\":\"c\"}"); // bad type
        Path file = dir.resolve("memories.jsonl");
        Files.write(file, lines);

        Run run = produce("--region", "us-west", "--input", file.toString(), "--via", "kafka", "--json");

        assertThat(run.exit()).as("errors make a non-zero exit: " + run.describe()).isEqualTo(1);
        JsonNode s = run.summary();
        assertThat(s.get("records").asLong()).isEqualTo(5);
        assertThat(s.get("errors").asLong()).isEqualTo(3);
        assertThat(s.get("error_reasons").get("malformed_json").asLong()).isEqualTo(1);
        assertThat(s.get("error_reasons").get("missing_tenant").asLong()).isEqualTo(1);
        assertThat(s.get("error_reasons").get("invalid_input").asLong()).isEqualTo(1);
        assertThat(s.get("error_examples").toString()).contains("line 3").contains("type must be one of");

        Set<String> ids = loggedIds("us-west", t.id());
        assertThat(ids).hasSize(5);
        TestStack.awaitLive("us-west", t.id(), ids);
        MaiaClient.Reply got = client.send("GET", url("us-west", "/v1/memories/" + ids.iterator().next()), t.key(), null);
        assertThat(got.body().get("type").asText()).isEqualTo("episodic");
        assertThat(got.body().get("tags").get(0).asText()).isEqualTo("file");
        assertThat(got.body().get("content").asText()).startsWith("from a file #");
    }

    @Test
    void badOptionsEndWithOneLineAndNonZeroExit() {
        Run both = produce("--count", "5", "--input", "x.jsonl");
        assertThat(both.exit()).isNotZero();
        assertThat(both.err().strip()).isEqualTo("maia: --input and --count exclude each other");

        Run neither = produce("--via", "kafka");
        assertThat(neither.exit()).isNotZero();
        assertThat(neither.err().strip()).isEqualTo("maia: give --input FILE|- or --count N");

        Run badRegion = produce("--count", "1", "--region", "mars");
        assertThat(badRegion.exit()).isNotZero();
        assertThat(badRegion.err()).contains("region 'mars' is not in the topology");

        Run badVia = produce("--count", "1", "--via", "carrier-pigeon");
        assertThat(badVia.exit()).isNotZero();
        assertThat(badVia.err()).contains("--via");
    }
}
