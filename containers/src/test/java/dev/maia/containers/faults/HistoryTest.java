package dev.maia.containers.faults;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What the checker counts as acknowledged: 201s and 409s of retries, once per id; never a failed or unanswered attempt. */
class HistoryTest {

    private static Op write(String tenant, String id, String outcome, int status) {
        return new Op("write", tenant, id, "v", "us-west", outcome, status, null, "sync", -1, -1, 0, 1, 1);
    }

    @Test
    void anIdIsAcknowledgedOnceByA201OrARetrysAlreadyExistsAndNeverByAFailure() {
        History h = new History();
        h.add(write("t", "a", "info", 504));
        h.add(write("t", "a", "exists", 409));
        h.add(write("t", "b", "ok", 201));
        h.add(write("t", "c", "fail", 503));
        h.add(write("t", "d", "gave-up", 0));
        h.add(write("u", "b", "ok", 201));
        assertThat(h.acknowledged()).containsOnlyKeys("t/a", "t/b", "u/b");
        assertThat(h.acknowledged().get("t/a").outcome()).isEqualTo("exists");
    }
}
