package dev.maia.mirror;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class NotRunningWatchTest {
    private static final long S = 1_000_000_000L;

    private static MirrorTaskState task(String state) {
        return new MirrorTaskState("eu-central", "us-west", "MirrorSourceConnector", "0", state);
    }

    private static MirrorTaskState heartbeats(String state) {
        return new MirrorTaskState("eu-central", "us-west", "MirrorHeartbeatConnector", "0", state);
    }

    @Test
    void aTaskNotRunningForRestartAfterIsDueAndOneThatRanInBetweenStartsOver() {
        NotRunningWatch watch = new NotRunningWatch(Duration.ofSeconds(60));
        assertThat(watch.observe(List.of(task("FAILED"), heartbeats("RUNNING")), 0)).isEmpty();
        assertThat(watch.observe(List.of(task("FAILED"), heartbeats("RUNNING")), 59 * S)).isEmpty();
        assertThat(watch.observe(List.of(task("FAILED"), heartbeats("RUNNING")), 60 * S)).containsExactly(task("FAILED"));

        NotRunningWatch flapping = new NotRunningWatch(Duration.ofSeconds(60));
        flapping.observe(List.of(task("FAILED")), 0);
        flapping.observe(List.of(task("RUNNING")), 30 * S);
        assertThat(flapping.observe(List.of(task("FAILED")), 40 * S)).isEmpty();
        assertThat(flapping.observe(List.of(task("FAILED")), 99 * S)).as("not running since 40 s only").isEmpty();
        assertThat(flapping.observe(List.of(task("FAILED")), 100 * S)).containsExactly(task("FAILED"));
    }

    @Test
    void anUnassignedOrUnknownTaskIsGivenFiveTimesAsLongAsAFailedOne() {
        // A herder still joining its group: Connect gets there alone, and a restart would start it over.
        NotRunningWatch watch = new NotRunningWatch(Duration.ofSeconds(60));
        MirrorTaskState unknown = new MirrorTaskState("eu-central", "us-west", "MirrorSourceConnector",
                MirrorTaskState.CONNECTOR, MirrorTaskState.UNKNOWN);
        watch.observe(List.of(unknown, task("UNASSIGNED")), 0);
        assertThat(watch.observe(List.of(unknown, task("UNASSIGNED")), 60 * S)).isEmpty();
        assertThat(watch.observe(List.of(unknown, task("UNASSIGNED")), 299 * S)).isEmpty();
        assertThat(watch.observe(List.of(unknown, task("UNASSIGNED")), 300 * S))
                .containsExactly(unknown, task("UNASSIGNED"));
    }

    @Test
    void whileTheFlowStaysDownRestartsBackOffToFiveMinutesAndStartOverOnceItRuns() {
        NotRunningWatch watch = new NotRunningWatch(Duration.ofSeconds(60));
        long now = 0;
        watch.observe(List.of(task("FAILED")), now);
        now += 60 * S;
        assertThat(watch.observe(List.of(task("FAILED")), now)).isNotEmpty();
        // Every restart fails the same way: the gaps between restarts are 60, 120, 240, 300, 300 s (the first
        // 61: the new MirrorMaker's task is first seen not running a check, here 1 s, after the restart).
        List<Long> gaps = new ArrayList<>();
        long last = now;
        watch.restarted(now);
        while (gaps.size() < 5) {
            now += S;
            if (!watch.observe(List.of(task("FAILED")), now).isEmpty()) {
                gaps.add((now - last) / S);
                last = now;
                watch.restarted(now);
            }
        }
        assertThat(gaps).containsExactly(61L, 120L, 240L, 300L, 300L);

        // It runs for a whole backoff (5 min): the next failure is restarted after restartAfter again.
        for (long t = 0; t <= 300; t += 5) {
            watch.observe(List.of(task("RUNNING")), now + t * S);
        }
        now += 301 * S;
        watch.observe(List.of(task("FAILED")), now);
        assertThat(watch.observe(List.of(task("FAILED")), now + 60 * S)).isNotEmpty();
        assertThat(watch.backoff()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void aRestartRightAfterABriefRunStillWaitsItsBackoff() {
        NotRunningWatch watch = new NotRunningWatch(Duration.ofSeconds(60));
        watch.observe(List.of(task("FAILED")), 0);
        watch.restarted(60 * S);
        watch.observe(List.of(task("RUNNING")), 70 * S);
        watch.observe(List.of(task("FAILED")), 71 * S);
        assertThat(watch.observe(List.of(task("FAILED")), 131 * S)).as("60 s not running, 71 s after the restart")
                .isNotEmpty();
        watch.restarted(131 * S);
        watch.observe(List.of(task("FAILED")), 132 * S);
        assertThat(watch.observe(List.of(task("FAILED")), 192 * S)).as("the backoff is 120 s now").isEmpty();
        assertThat(watch.observe(List.of(task("FAILED")), 251 * S)).isNotEmpty();
    }
}
