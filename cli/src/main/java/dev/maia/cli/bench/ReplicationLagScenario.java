package dev.maia.cli.bench;

import dev.maia.cli.produce.KafkaProduceSink;
import dev.maia.cli.produce.ProduceStats;
import dev.maia.schemas.topology.RegionSpec;
import dev.maia.schemas.wal.WalTopics;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.maia.cli.bench.BenchStack.FOLLOWER;
import static dev.maia.cli.bench.BenchStack.PRIMARY;
import static dev.maia.cli.bench.BenchStack.T_LAG;

/**
 * The lag part: writes at a steady rate with the producer library to a global tenant whose primary is
 * us-west; per write, the time from its acknowledgement to (a) its apply in eu-central (readable there:
 * MAIA) and (b) its mirrored record becoming readable in eu-central's cluster (raw MirrorMaker 2).
 * Same writes, same run, so the difference is MAIA's apply path and nothing else.
 *
 * @param rate      writes per second
 * @param seconds   how long it writes at {@code rate}
 * @param tracePath where to write one CSV line per write, or null
 */
record ReplicationLagScenario(BenchStack stack, double rate, double seconds, int contentSize, Path tracePath) {
    void run(BenchReport report) throws Exception {
        Progress progress = stack.progress();
        RegionSpec primary = stack.region(PRIMARY);
        RegionSpec follower = stack.region(FOLLOWER);
        long n = Math.max(1, Math.round(rate * seconds));
        try (KafkaProduceSink base = stack.kafkaSink(primary)) {
            base.requireWritable(List.of(T_LAG), Duration.ofSeconds(30));
            long warm = Math.max(50, Math.round(rate));
            progress.say("lag: warm-up, %d writes until %s applies them (MirrorMaker 2 picks up the new topic) ...", warm, FOLLOWER);
            BenchWrites.writeAll(base, new BenchMemories(warm, contentSize, T_LAG, true), rate, "lag warm-up");
            stack.awaitApplied(FOLLOWER, T_LAG, warm);
            Map<String, Long> applied = stack.listener().trace(FOLLOWER, T_LAG);
            String mirrored = PRIMARY + "." + WalTopics.wal(T_LAG);
            try (MirroredArrivals raw = MirroredArrivals.start(follower.bootstrapServers(), stack.security(), mirrored, Duration.ofSeconds(60))) {
                TimedSink timed = new TimedSink(base);
                progress.say("lag: %d writes at %.0f/s for %.0f s; arrivals in %s: applied (MAIA) and mirrored record (raw MM2) ...",
                        n, rate, seconds, FOLLOWER);
                ProduceStats stats = BenchWrites.writeAll(timed, new BenchMemories(n, contentSize, T_LAG, true), rate, "lag writes");
                Map<String, Long> acked = timed.acked();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (System.nanoTime() < deadline
                        && !(applied.keySet().containsAll(acked.keySet()) && raw.arrivals().keySet().containsAll(acked.keySet()))) {
                    Thread.sleep(100);
                }
                LagSamples samples = LagSamples.pair(acked, applied, raw.arrivals(), tracePath != null);
                if (samples.trace() != null) {
                    Files.writeString(tracePath, samples.trace());
                }
                report(samples, stats, report);
            }
        }
    }

    private void report(LagSamples samples, ProduceStats stats, BenchReport report) {
        Progress progress = stack.progress();
        Latencies ours = samples.maia();
        Latencies mm2 = samples.mm2();
        double ratio = ours.p99Ms() / Math.max(0.01, mm2.p99Ms());
        boolean met = ratio <= 1.5 && ours.p99Ms() < 500;
        Map<String, Object> lag = new LinkedHashMap<>();
        lag.put("writes", samples.writes());
        lag.put("rate_target", rate);
        lag.put("rate_achieved", BenchReport.round(stats.recordsPerSecond(), 1));
        lag.put("maia", withMissing(ours.toJson(), samples.maiaMissing()));
        lag.put("mm2", withMissing(mm2.toJson(), samples.mm2Missing()));
        lag.put("apply_after_mirrored", samples.applyAfterMirrored().toJson());
        lag.put("ratio_p99", BenchReport.round(ratio, 3));
        lag.put("target", "p99 <= 1.5x raw MM2 p99 and < 500 ms");
        lag.put("met", met);
        report.section("lag", lag);
        String at = String.format("@%.0f/s", rate);
        report.row("lag", "ack->readable p50 ms " + at, BenchReport.num(ours.p50Ms()), BenchReport.num(mm2.p50Ms()),
                ours.p50Ms() / Math.max(0.01, mm2.p50Ms()), null, null);
        report.row("lag", "ack->readable p99 ms " + at, BenchReport.num(ours.p99Ms()), BenchReport.num(mm2.p99Ms()),
                ratio, "<= 1.5x and < 500 ms", met);
        report.row("lag", "ack->readable max ms " + at, BenchReport.num(ours.maxMs()), BenchReport.num(mm2.maxMs()),
                ours.maxMs() / Math.max(0.01, mm2.maxMs()), null, null);
        report.target("end-to-end lag p99 vs raw MirrorMaker 2 p99", ours.p99Ms(), mm2.p99Ms(), ratio,
                "<= 1.5 and < 500 ms", met);
        progress.say("  MAIA p50/p99/max %.1f/%.1f/%.1f ms; raw MM2 %.1f/%.1f/%.1f ms (%d writes at %.0f/s)",
                ours.p50Ms(), ours.p99Ms(), ours.maxMs(), mm2.p50Ms(), mm2.p99Ms(), mm2.maxMs(),
                samples.writes(), stats.recordsPerSecond());
    }

    private static Map<String, Object> withMissing(Map<String, Object> latencies, long missing) {
        latencies.put("missing", missing);
        return latencies;
    }
}
