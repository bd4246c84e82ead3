package dev.maia.cli.produce;

import java.io.PrintWriter;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** One line on a terminal, redrawn in place ({@code \r}) a few times a second: done/total, rate, errors. */
final class ProgressBar implements AutoCloseable {
    private static final int WIDTH = 30;

    private final PrintWriter out;
    private final ProduceStats stats;
    private final long total;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "produce-progress");
        t.setDaemon(true);
        return t;
    });

    /** @param total how many records, or -1 if unknown (then the bar shows counts only) */
    ProgressBar(PrintWriter out, ProduceStats stats, long total) {
        this.out = out;
        this.stats = stats;
        this.total = total;
        timer.scheduleAtFixedRate(this::draw, 0, 200, TimeUnit.MILLISECONDS);
    }

    private synchronized void draw() {
        long done = stats.done();
        String bar = "";
        if (total > 0) {
            int filled = (int) Math.min(WIDTH, done * WIDTH / total);
            bar = "[" + "#".repeat(filled) + "-".repeat(WIDTH - filled) + "] ";
        }
        String count = total >= 0 ? done + "/" + total : Long.toString(done);
        // Trailing spaces wipe what a longer previous line left behind.
        out.printf("\r%s%s  %.0f rec/s  errors %d    ", bar, count, stats.recordsPerSecond(), stats.errors());
        out.flush();
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        draw();
        out.println();
        out.flush();
    }
}
