package dev.maia.cli.bench;

import dev.maia.cli.produce.ProduceInput;
import dev.maia.cli.produce.ProduceRun;
import dev.maia.cli.produce.ProduceSink;
import dev.maia.cli.produce.ProduceStats;
import dev.maia.cli.produce.RatePacer;

/** The bench's writes go through {@code maia produce}'s run loop, so that they are the writes that command makes. */
final class BenchWrites {

    private BenchWrites() {
    }

    /**
     * Writes all of the input through the sink at {@code perSecond} (0: as fast as it goes). The stats
     * start here, after the sink is open, so that opening it is not part of the measured time.
     */
    static ProduceStats write(ProduceSink sink, ProduceInput input, double perSecond) throws InterruptedException {
        ProduceStats stats = new ProduceStats();
        new ProduceRun(sink, stats, new RatePacer(perSecond), 0).run(input, () -> false);
        return stats;
    }

    /** As {@link #write}, for writes that a later step relies on: any failed write fails the part. */
    static ProduceStats writeAll(ProduceSink sink, ProduceInput input, double perSecond, String what) throws InterruptedException {
        ProduceStats stats = write(sink, input, perSecond);
        requireNoErrors(stats, what);
        return stats;
    }

    static void requireNoErrors(ProduceStats stats, String what) {
        if (stats.errors() > 0) {
            throw new IllegalStateException(what + ": " + stats.errors() + " writes failed: "
                    + stats.toJson("", "", false).get("error_examples"));
        }
    }
}
