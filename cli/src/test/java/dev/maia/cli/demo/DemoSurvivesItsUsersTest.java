package dev.maia.cli.demo;

import dev.maia.cli.RegionsTest;
import dev.maia.cli.TestStack;
import dev.maia.localcluster.LocalKafkaCluster;
import dev.maia.schemas.http.Json;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 10, item 7, through the three real regions of the test stack: the demo's session (its writer, its
 * accounting, its tables) keeps running while its users change what it runs on from another terminal, and
 * "converged" means every region that holds a tenant now has every acknowledged write of it.
 */
class DemoSurvivesItsUsersTest extends RegionsTest {
    private static final Logger log = LoggerFactory.getLogger(DemoSurvivesItsUsersTest.class);
    private static final List<String> REGIONS = List.of("us-west", "eu-central", "ap-tokyo");
    private static final Duration CONVERGE = Duration.ofSeconds(120);

    @Test
    void aMigrationAndPlacementsChangedFromAnotherTerminalNeitherEndTheDemoNorMiscountIt() throws Exception {
        try (RunningDemo demo = new RunningDemo(DemoWriter.MOVE_WAIT)) {
            demo.awaitWrites(20);

            TestStack.CommandRun migrate = TestStack.maia("migrate", "--topology", TestStack.topologyFile().toString(),
                    "--tenant", demo.global().id(), "--to", "eu-central", "--json");
            assertThat(migrate.exit()).as(migrate.out()).isZero();
            // The replicated tenant loses its replica (us-west), the single one gains one (us-west).
            assertThat(TestStack.postPlacement("eu-central", demo.replicated().id(),
                    Json.write(Map.of("mode", "single", "primary_region", "eu-central"))).status()).isEqualTo(200);
            assertThat(TestStack.postPlacement("ap-tokyo", demo.single().id(),
                    Json.write(Map.of("mode", "replicated", "primary_region", "ap-tokyo", "replicas", List.of("us-west")))).status())
                    .isEqualTo(200);
            await().atMost(Duration.ofSeconds(60)).until(() -> demo.failure() != null || demo.session.run().writes().stream()
                    .filter(w -> w.tenant().equals(demo.global().id())).anyMatch(w -> w.region().equals("eu-central")));
            demo.awaitWrites(demo.session.run().writeCount() + 20);
            demo.stop();

            assertThat(demo.output()).contains(demo.global().id() + ": its primary is now eu-central (307 from us-west): following");
            Map<String, DemoRun.RegionStatus> status = demo.awaitConverged();
            List<DemoRun.Write> writes = demo.session.run().writes();
            assertThat(status.get("us-west").expected()).as("us-west holds the global and single tenants, not the replicated one")
                    .isEqualTo(count(writes, demo.global()) + count(writes, demo.single()));
            assertThat(status.get("eu-central").expected()).isEqualTo(count(writes, demo.global()) + count(writes, demo.replicated()));
            assertThat(status.get("ap-tokyo").expected()).isEqualTo(count(writes, demo.global()) + count(writes, demo.single()));
            assertThat(demo.session.run().secondsToConverge(nodes)).isNotNegative();
            assertThat(demo.session.tenantsNow()).anySatisfy(t -> {
                assertThat(t.get("tenant")).isEqualTo(demo.single().id());
                assertThat(t.get("held_in")).isEqualTo(List.of("ap-tokyo", "us-west"));
            });
        }
    }

    /** A move that outlasts the writer's wait (MirrorMaker stopped: the new primary cannot catch up) skips writes, with a line. */
    @Test
    void aMoveLongerThanTheWaitSkipsThoseWritesWithALineAndWritingResumesAtTheNewPrimary() throws Exception {
        try (RunningDemo demo = new RunningDemo(Duration.ofSeconds(1))) {
            demo.awaitWrites(10);
            TestStack.regions().stopMirror();
            try {
                assertThat(TestStack.postPlacement("us-west", demo.global().id(),
                        Json.write(Map.of("mode", "global", "primary_region", "ap-tokyo"))).status()).isEqualTo(202);
                await().atMost(Duration.ofSeconds(60)).until(() -> demo.failure() != null
                        || demo.output().contains(demo.global().id() + ": still moving after 1 s: this write is skipped"));
                assertThat(demo.output()).contains(demo.global().id() + " is moving to ap-tokyo (503 MIGRATING): waiting, at most 1 s a write");
                int before = demo.session.run().writeCount();
                demo.awaitWrites(before + 3); // the other tenants are still written meanwhile
            } finally {
                TestStack.regions().startMirror();
            }
            await().atMost(Duration.ofSeconds(90)).until(() -> demo.failure() != null
                    || demo.output().contains(demo.global().id() + ": writes acknowledged again, by ap-tokyo"));
            demo.stop();
            assertThat(demo.session.unacknowledged()).isPositive();
            demo.awaitConverged();
        }
    }

    @Test
    void aDeletedTenantIsReportedAndCountedAsHeldNowhereWhileTheOthersAreStillWritten() throws Exception {
        try (RunningDemo demo = new RunningDemo(DemoWriter.MOVE_WAIT)) {
            demo.awaitWrites(20);
            var deleted = TestStack.admin("DELETE", "us-west", "/admin/tenants/" + demo.replicated().id() + "?wait_ms=90000", null);
            assertThat(deleted.status()).as("%s", deleted.body()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(30)).until(() -> demo.failure() != null
                    || demo.output().contains(demo.replicated().id() + ": eu-central answered 401"));
            demo.awaitWrites(demo.session.run().writeCount() + 20);
            demo.stop();

            Map<String, DemoRun.RegionStatus> status = demo.awaitConverged();
            List<DemoRun.Write> writes = demo.session.run().writes();
            assertThat(status.get("eu-central").expected()).isEqualTo(count(writes, demo.global()));
            assertThat(status.values()).allSatisfy(s -> assertThat(s.leaked()).isZero());
        }
    }

    @Test
    void aRegionStoppedAndStartedAgainIsShownDownWhileTheOthersAreWrittenAndCountedConvergedWhenBack() throws Exception {
        try (RunningDemo demo = new RunningDemo(DemoWriter.MOVE_WAIT)) {
            demo.awaitWrites(20);
            nodes.stopRegion("ap-tokyo");
            try {
                int before = demo.session.run().writeCount();
                demo.awaitWrites(before + 20);
                await().atMost(Duration.ofSeconds(30)).until(() -> demo.output().contains("demo: ap-tokyo is down"));
                assertThat(demo.output()).contains(demo.single().id() + ": ap-tokyo does not answer");
                DemoRun.RegionStatus tokyo = demo.session.status().get("ap-tokyo");
                assertThat(tokyo.up()).isFalse();
                assertThat(tokyo.converged()).isFalse();
            } finally {
                nodes.startRegion("ap-tokyo");
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> demo.failure() != null
                    || demo.output().contains(demo.single().id() + ": writes acknowledged again, by ap-tokyo"));
            demo.stop();
            Map<String, DemoRun.RegionStatus> status = demo.awaitConverged();
            assertThat(status.get("ap-tokyo").up()).isTrue();
            assertThat(demo.output()).contains("demo: ap-tokyo is back");
            assertThat(demo.session.unacknowledged()).as("the single tenant's writes while its region was down").isPositive();
        }
    }

    @Test
    void aRegionsBrokerRestartedDoesNotEndTheDemoAndTheRegionConvergesAfter() throws Exception {
        try (RunningDemo demo = new RunningDemo(DemoWriter.MOVE_WAIT)) {
            demo.awaitWrites(20);
            LocalKafkaCluster broker = TestStack.regions().cluster("eu-central");
            broker.close();
            try {
                Thread.sleep(3_000);
                assertThat(demo.failure()).as("the demo's loop while eu-central's broker is down").isNull();
            } finally {
                broker.resume();
            }
            demo.awaitWrites(demo.session.run().writeCount() + 20);
            demo.stop();
            Map<String, DemoRun.RegionStatus> status = demo.awaitConverged();
            assertThat(status.get("eu-central").applied()).isEqualTo(status.get("eu-central").expected());
        }
    }

    private static long count(List<DemoRun.Write> writes, DemoTenant tenant) {
        return writes.stream().filter(w -> w.tenant().equals(tenant.id())).count();
    }

    /** The demo's session on three fresh tenants of the stack, writing every 50 ms on its own thread. */
    private static final class RunningDemo implements AutoCloseable {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final List<DemoTenant> tenants;
        final DemoSession session;
        private final AtomicBoolean stop = new AtomicBoolean();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final Thread thread;

        RunningDemo(Duration moveWait) throws Exception {
            tenants = List.of(
                    new DemoTenant(TestStack.tenant().id(), "global", "us-west", List.of()),
                    new DemoTenant(TestStack.tenant().id(), "replicated", "eu-central", List.of("us-west")),
                    new DemoTenant(TestStack.tenant().id(), "single", "ap-tokyo", List.of()));
            session = new DemoSession(nodes, REGIONS, tenants, new DemoRun(REGIONS, tenants), new PrintStream(out, true), moveWait);
            session.place();
            thread = new Thread(() -> {
                try {
                    session.writeContinuously(stop::get, Duration.ofMillis(50));
                } catch (Throwable e) {
                    failure.set(e);
                }
            }, "demo-writer");
            thread.start();
        }

        DemoTenant global() {
            return tenants.get(0);
        }

        DemoTenant replicated() {
            return tenants.get(1);
        }

        DemoTenant single() {
            return tenants.get(2);
        }

        String output() {
            return out.toString();
        }

        Throwable failure() {
            return failure.get();
        }

        /** Waits until {@code n} writes were acknowledged; fails if the demo's loop ended. */
        void awaitWrites(int n) {
            await().atMost(Duration.ofSeconds(90)).until(() -> failure.get() != null || !thread.isAlive()
                    || session.run().writeCount() >= n);
            assertThat(failure.get()).as("the demo's loop ended").isNull();
            assertThat(thread.isAlive()).as("the demo's loop still runs").isTrue();
        }

        /** Waits until every region holds, and only holds, what the placements in effect say. */
        Map<String, DemoRun.RegionStatus> awaitConverged() {
            AtomicReference<Map<String, DemoRun.RegionStatus>> last = new AtomicReference<>();
            try {
                await().atMost(CONVERGE).pollInterval(Duration.ofMillis(500)).until(() -> {
                    last.set(session.status());
                    return last.get().values().stream().allMatch(DemoRun.RegionStatus::converged);
                });
            } finally {
                log.info("demo status {}; output:\n{}", last.get(), output());
            }
            return last.get();
        }

        void stop() throws InterruptedException {
            stop.set(true);
            thread.join(120_000);
            assertThat(failure.get()).as("the demo's loop failed").isNull();
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            thread.join(120_000);
        }
    }
}
