package dev.maia.cli.bench;

import java.util.Arrays;
import java.util.Map;

/**
 * The lag part's writes paired with their arrivals, by resource id: per write, from its acknowledgement
 * to its apply in the follower (MAIA) and to its mirrored record being readable there (raw MirrorMaker 2).
 * A write missing on one side counts as missing there, not as a latency.
 *
 * @param applyAfterMirrored per write, from its mirrored record being readable to its apply: MAIA's own share of the lag
 * @param trace              one CSV line per write (ack time, ms to mirrored, ms to applied), or null where not asked for
 */
record LagSamples(int writes, Latencies maia, int maiaMissing, Latencies mm2, int mm2Missing,
                  Latencies applyAfterMirrored, String trace) {

    /** Each map is resource id to a {@code System.nanoTime()}. */
    static LagSamples pair(Map<String, Long> acked, Map<String, Long> applied, Map<String, Long> mirrored, boolean withTrace) {
        long[] maia = new long[acked.size()];
        long[] mm2 = new long[acked.size()];
        long[] afterMirrored = new long[acked.size()];
        int m = 0;
        int r = 0;
        int d = 0;
        StringBuilder trace = withTrace ? new StringBuilder("ack_epoch_ms,ms_to_mirrored,ms_to_applied\n") : null;
        // nanoTime has no epoch: one reading of both clocks puts the acks on the wall clock, to line them up with a profile.
        long epochMs = System.currentTimeMillis();
        long epochNanos = System.nanoTime();
        for (Map.Entry<String, Long> e : acked.entrySet()) {
            Long a = applied.get(e.getKey());
            if (a != null) {
                maia[m++] = a - e.getValue();
            }
            Long b = mirrored.get(e.getKey());
            if (b != null) {
                mm2[r++] = b - e.getValue();
            }
            if (a != null && b != null) {
                afterMirrored[d++] = Math.max(0, a - b);
            }
            if (trace != null) {
                trace.append(String.format("%.3f,%s,%s%n", epochMs + (e.getValue() - epochNanos) / 1e6,
                        b == null ? "" : String.format("%.3f", (b - e.getValue()) / 1e6),
                        a == null ? "" : String.format("%.3f", (a - e.getValue()) / 1e6)));
            }
        }
        return new LagSamples(acked.size(), Latencies.of(Arrays.copyOf(maia, m)), acked.size() - m,
                Latencies.of(Arrays.copyOf(mm2, r)), acked.size() - r, Latencies.of(Arrays.copyOf(afterMirrored, d)),
                trace == null ? null : trace.toString());
    }
}
