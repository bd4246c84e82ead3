package dev.maia.containers.faults;

/**
 * One event of the history: a write attempt (its outcome), a read, or a fault injected or healed.
 *
 * @param kind      {@code write}, {@code read}, {@code fault}
 * @param outcome   writes: {@code ok} (201), {@code exists} (409 ALREADY_EXISTS on a retry: an earlier attempt
 *                  wrote it), {@code redirect} (307), {@code fail} (a 503: refused, nothing written), {@code info}
 *                  (no answer, or another error such as 504: it may or may not have been written), {@code gave-up} (the client stopped retrying);
 *                  reads: {@code ok}, {@code missing}, {@code wrong-value}, {@code fail}; faults: {@code inject}, {@code heal}
 * @param partition the answer's position (ok writes), else -1
 */
public record Op(String kind, String tenant, String id, String value, String region, String outcome, int status,
                 String code, String syncMode, int partition, long offset, long startMs, long endMs, int attempt) {

    public boolean acknowledged() {
        return kind.equals("write") && (outcome.equals("ok") || outcome.equals("exists"));
    }
}
