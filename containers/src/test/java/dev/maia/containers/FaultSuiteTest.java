package dev.maia.containers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maia.containers.faults.Checker;
import dev.maia.containers.faults.CutRegion;
import dev.maia.containers.faults.Docker;
import dev.maia.containers.faults.FaultEvent;
import dev.maia.containers.faults.FaultTenant;
import dev.maia.containers.faults.History;
import dev.maia.containers.faults.KillContainer;
import dev.maia.containers.faults.ModeFigures;
import dev.maia.containers.faults.Nemesis;
import dev.maia.containers.faults.Nemesis.Step;
import dev.maia.containers.faults.PauseRegion;
import dev.maia.containers.faults.RegionHttp;
import dev.maia.containers.faults.ReplicationLag;
import dev.maia.containers.faults.SkewClock;
import dev.maia.containers.faults.StackEndpoints;
import dev.maia.containers.faults.Verdict;
import dev.maia.containers.faults.Writer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A Jepsen-style run on the compose stack: clients write memories from the host to four tenants the test creates
 * (sync, semi-sync and async replicated, async global) while a nemesis kills region processes, brokers and
 * MirrorMakers (kill -9), pauses a region (SIGSTOP), cuts one off the wan, and in the long form skews a region's
 * clock. Once every fault is healed and the regions converged, the checker holds the invariants: no acknowledged
 * sync or semi-sync write lost in any holder, every lost async one excused (conflict feed, or within the lag
 * reported when its fault began), {@code maia verify} equal, and no placement epoch with two writing regions.
 *
 * <p>The short form (default) is a few faults on top of the stack ComposeStackTest started; {@code -Dmaia.faults=long}
 * runs more and longer ones (docs/reliability.md). The history is written to
 * {@code containers/target/container-tests/fault-history.jsonl}, the figures to {@code fault-results.json}.
 */
@ExtendWith({DockerRequired.class, ComposeStack.class})
@Order(ComposeStackTest.CLASS_ORDER + 1)
class FaultSuiteTest {

    private static final Logger log = LoggerFactory.getLogger(FaultSuiteTest.class);
    private static final Path TOPOLOGY = ProjectScripts.ROOT.resolve("compose/.certs/topology.yaml");
    private static final boolean LONG = "long".equals(System.getProperty("maia.faults", "short"));

    @Test
    void acknowledgedWritesSurviveTheFaultsAndNoEpochHasTwoWritingRegions() throws Exception {
        StackEndpoints stack = StackEndpoints.load(TOPOLOGY);
        List<FaultTenant> tenants = createTenants(stack, Long.toString(System.currentTimeMillis(), 36));
        Docker docker = new Docker(ProjectScripts.ROOT);
        History history = new History();
        List<String> failbacks = new ArrayList<>();
        Nemesis nemesis = new Nemesis(docker, history, new ReplicationLag(stack), tenants,
                LONG ? () -> failBack(stack, tenants, failbacks) : () -> { });
        List<Step> schedule = LONG ? longSchedule() : shortSchedule();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> writers = new ArrayList<>();
        for (int i = 0; i < (LONG ? 2 : 1); i++) {
            for (FaultTenant tenant : tenants) {
                Thread t = new Thread(new Writer("w" + i, List.of(tenant), stack, history, stop, Duration.ofSeconds(30), 100),
                        "fault-writer-" + i + "-" + tenant.id());
                t.start();
                writers.add(t);
            }
        }
        long started = System.currentTimeMillis();
        List<FaultEvent> events;
        try {
            Thread.sleep(5_000);
            events = nemesis.run(schedule);
            Thread.sleep(5_000);
        } finally {
            stop.set(true);
            for (Thread t : writers) {
                t.join(60_000);
            }
            nemesis.healAll();
            history.write(ProjectScripts.LOGS.resolve("fault-history.jsonl"));
        }
        long faultsTook = System.currentTimeMillis() - started;

        Verdict v = new Checker(stack, history).check(tenants, events, FaultSuiteTest::verify);
        writeResults(schedule, events, history, v, faultsTook, placements(stack, tenants));

        assertThat(events).as("faults injected and healed").hasSize(schedule.size());
        assertThat(failbacks).as("planned failbacks between faults that did not finish").isEmpty();
        for (String mode : List.of("sync", "semi-sync", "async")) {
            assertThat(v.byMode()).as("writes acknowledged per mode").containsKey(mode);
            assertThat(v.byMode().get(mode).acknowledged()).as("%s writes acknowledged", mode).isPositive();
        }
        // The mirrors first: the verdict's JSON is long, and a CI log keeps only the start of a failure.
        assertThat(v.verifyEqual()).as(() -> "maia verify equal after healing\n" + mirrors(docker) + "\n" + v.verifyOutput()).isTrue();
        assertThat(v.byMode().get("sync").lost() + v.byMode().get("semi-sync").lost())
                .as("acknowledged sync and semi-sync writes lost: %s", v.lostWrites()).isZero();
        assertThat(v.unexcusedLosses()).as("acknowledged async writes lost that neither the conflict feed nor the lag "
                + "at a fault's start explains: %s", v.lostWrites()).isZero();
        assertThat(v.epochSplits()).as("placement epochs with two regions accepting writes").isEmpty();
    }

    private static String mirrors(Docker docker) {
        List<String> out = new ArrayList<>();
        for (String region : List.of("us-west", "eu-central", "ap-tokyo")) {
            out.add(docker.mirrorDiagnosis(docker.container("mm2", region)));
        }
        return String.join("\n", out);
    }

    /**
     * The short form, minutes in CI: three faults, each on another tenant's primary and each past a lease, so that
     * each fails that tenant over: a paused region (it comes back fenced), a region cut off the wan, a region's
     * process killed (kill -9). Brokers, MM2 and the clock are the long form's: a restarted container takes one to
     * two minutes to be healthy on a small machine.
     */
    private static List<Step> shortSchedule() {
        Duration quiet = Duration.ofSeconds(3);
        return List.of(
                new Step(new PauseRegion("us-west"), Duration.ofSeconds(12), quiet),
                // Longer than a lease (8 s) and the others' wait for it (8 s): the semi-sync tenant fails over.
                new Step(new CutRegion("eu-central"), Duration.ofSeconds(30), quiet),
                new Step(new KillContainer("maia", "ap-tokyo"), Duration.ofSeconds(10), quiet));
    }

    /** The long form: every kind, on every region, held longer (each cut longer than a lease), and the clock skewed. */
    private static List<Step> longSchedule() {
        Duration quiet = Duration.ofSeconds(10);
        List<Step> steps = new ArrayList<>();
        for (String region : List.of("us-west", "eu-central", "ap-tokyo")) {
            steps.add(new Step(new KillContainer("maia", region), Duration.ofSeconds(30), quiet));
            steps.add(new Step(new CutRegion(region), Duration.ofSeconds(40), quiet));
            steps.add(new Step(new KillContainer("kafka", region), Duration.ofSeconds(20), quiet));
            steps.add(new Step(new PauseRegion(region), Duration.ofSeconds(20), quiet));
            steps.add(new Step(new KillContainer("mm2", region), Duration.ofSeconds(15), quiet));
        }
        if (SkewClock.available()) {
            steps.add(new Step(new SkewClock("eu-central", 30), Duration.ofSeconds(40), quiet));
        } else {
            log.warn("no libfaketime on this host (apt-get install libfaketime): the long form runs without the clock fault");
        }
        return steps;
    }

    /**
     * The long form's step between faults: each tenant that failed over is moved back to its planned primary with
     * {@code maia migrate} (docs/runbooks/failback.md), so that the next fault on that region hits a primary again.
     * Without it the first fault on a region moved its tenants away and its four later faults hit none. A move
     * that does not finish is kept for the assertion, and the run goes on.
     */
    private static void failBack(StackEndpoints stack, List<FaultTenant> tenants, List<String> failed) {
        for (FaultTenant t : tenants) {
            try {
                String primary = placements(stack, List.of(t)).get(t.id()).path("primary_region").asText();
                if (primary.equals(t.primary())) {
                    continue;
                }
                ProjectScripts.Result r = ProjectScripts.maia("failback-" + t.id(), Duration.ofMinutes(4), "migrate",
                        "--topology", TOPOLOGY.toString(), "--tenant", t.id(), "--to", t.primary(), "--timeout", "180");
                log.info("fault suite: failback of {} from {} to {}: exit {} in {} s", t.id(), primary, t.primary(),
                        r.exitCode(), r.took().toSeconds());
                if (r.exitCode() != 0) {
                    failed.add(t.id() + " from " + primary + ": " + ProjectScripts.tail(r.output()));
                }
            } catch (Exception e) {
                failed.add(t.id() + ": " + e);
            }
        }
    }

    /** Creates the tenants through us-west's admin API, issues each a key, and waits until every region knows both. */
    private static List<FaultTenant> createTenants(StackEndpoints stack, String suffix) throws Exception {
        RegionHttp http = new RegionHttp(Duration.ofSeconds(30));
        String admin = stack.api("us-west");
        List<FaultTenant> out = new ArrayList<>();
        for (FaultTenant planned : FaultTenant.plan(suffix)) {
            RegionHttp.Reply[] created = new RegionHttp.Reply[1];
            await("create " + planned.id()).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(2)).until(() -> {
                created[0] = http.send("POST", admin + "/admin/tenants", stack.adminKey(), planned.createBody());
                return created[0].status() != 503;
            });
            assertThat(created[0].status()).as("create %s: %s", planned.id(), created[0].body()).isEqualTo(201);
            RegionHttp.Reply key = http.send("POST", admin + "/admin/tenants/" + planned.id() + "/apikeys", stack.adminKey(),
                    Map.of("name", "fault suite"));
            assertThat(key.status()).as("key of %s: %s", planned.id(), key.body()).isEqualTo(201);
            FaultTenant t = planned.withKey(key.body().get("key").asText());
            for (String region : stack.regions()) {
                await(t.id() + "'s key and placement in " + region).atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(500)).until(() ->
                                http.send("GET", stack.api(region) + "/v1/memories/none-yet", t.key(), null).status() == 404);
            }
            out.add(t);
        }
        return out;
    }

    /** Each tenant's placement after the run (a failover shows as another primary, a higher epoch and {@code failover}). */
    private static Map<String, JsonNode> placements(StackEndpoints stack, List<FaultTenant> tenants) throws Exception {
        RegionHttp http = new RegionHttp(Duration.ofSeconds(10));
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (FaultTenant t : tenants) {
            out.put(t.id(), http.send("GET", stack.api("us-west") + "/admin/tenants/" + t.id() + "/placement",
                    stack.adminKey(), null).body());
        }
        return out;
    }

    private static Checker.VerifyRun verify(Duration timeout) {
        ProjectScripts.Result r = ProjectScripts.maia("verify-faults", timeout.plusMinutes(1), "verify", "--topology",
                TOPOLOGY.toString(), "--json", "--timeout", Long.toString(timeout.toSeconds()));
        boolean equal = false;
        List<String> lines = r.output().lines().filter(l -> l.startsWith("{")).toList();
        if (!lines.isEmpty()) {
            try {
                JsonNode doc = RegionHttp.JSON.readTree(lines.get(lines.size() - 1));
                equal = doc.path("equal").asBoolean(false);
            } catch (java.io.IOException e) {
                equal = false;
            }
        }
        return new Checker.VerifyRun(r.exitCode(), !lines.isEmpty(), equal, ProjectScripts.tail(r.output()));
    }

    /** The figures docs/reliability.md's table is made of, as JSON, and a summary in the log. */
    private static void writeResults(List<Step> schedule, List<FaultEvent> events, History history, Verdict v, long tookMs,
                                     Map<String, JsonNode> placements) throws Exception {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("form", LONG ? "long" : "short");
        doc.put("faults_planned", schedule.stream().map(s -> s.fault().name() + " " + s.hold().toSeconds() + "s").toList());
        doc.put("faults", events);
        doc.put("faults_took_ms", tookMs);
        doc.put("writes", Map.of("attempts", history.all().stream().filter(o -> o.kind().equals("write")).count(),
                "ok", history.count("write", "ok"), "exists", history.count("write", "exists"),
                "redirect", history.count("write", "redirect"), "fail", history.count("write", "fail"),
                "info", history.count("write", "info"), "gave_up", history.count("write", "gave-up")));
        Map<String, ModeFigures> modes = v.byMode();
        doc.put("by_mode", modes);
        doc.put("lost", v.lostWrites());
        doc.put("verify_equal", v.verifyEqual());
        doc.put("epoch_splits", v.epochSplits());
        doc.put("epochs", v.epochsSeen());
        doc.put("resumed_after_ms", v.resumedAfterMs());
        doc.put("failover_after_ms", v.failoverMs());
        doc.put("placements_after", placements);
        Files.createDirectories(ProjectScripts.LOGS);
        Files.writeString(ProjectScripts.LOGS.resolve("fault-results.json"),
                RegionHttp.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(doc));
        log.info("fault suite ({}): {} faults in {} s; by mode {}; verify equal {}; resumed after {}; failover after {}",
                doc.get("form"), events.size(), tookMs / 1000, modes, v.verifyEqual(), v.resumedAfterMs(), v.failoverMs());
    }
}
