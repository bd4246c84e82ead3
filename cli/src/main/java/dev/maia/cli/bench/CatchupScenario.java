package dev.maia.cli.bench;

import dev.maia.cli.produce.KafkaProduceSink;
import dev.maia.schemas.topology.RegionSpec;
import dev.maia.schemas.wal.WalTopics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static dev.maia.cli.bench.BenchStack.FOLLOWER;
import static dev.maia.cli.bench.BenchStack.PRIMARY;
import static dev.maia.cli.bench.BenchStack.T_CATCHUP;

/**
 * The catch-up part: eu-central's MAIA process is stopped; N entries of a global tenant are written in
 * us-west and mirrored into eu-central's cluster (waited for, so that only applying is timed); then the
 * process starts and applies them. The mechanism is the apply part's (a backlog applied after a start),
 * on a mirrored log instead of a local one.
 *
 * @param missed the entries eu-central misses while its process is stopped
 */
record CatchupScenario(BenchStack stack, long missed, int contentSize) {
    /** Entries eu-central applies before its process stops: MirrorMaker 2 already mirrors the topic when the missed ones come. */
    private static final int WARMUP = 50;

    void run(BenchReport report) throws Exception {
        Progress progress = stack.progress();
        RegionSpec primary = stack.region(PRIMARY);
        RegionSpec follower = stack.region(FOLLOWER);
        String mirrored = PRIMARY + "." + WalTopics.wal(T_CATCHUP);
        try (KafkaProduceSink sink = stack.kafkaSink(primary)) {
            sink.requireWritable(List.of(T_CATCHUP), Duration.ofSeconds(30));
            BenchWrites.writeAll(sink, new BenchMemories(WARMUP, contentSize, T_CATCHUP, false), 0, "catch-up warm-up");
            stack.awaitApplied(FOLLOWER, T_CATCHUP, WARMUP);
            progress.say("catchup: stopping %s's MAIA process; writing %d entries in %s ...", FOLLOWER, missed, PRIMARY);
            stack.nodes().stopRegion(FOLLOWER);
            BenchWrites.writeAll(sink, new BenchMemories(missed, contentSize, T_CATCHUP, false), 0, "catch-up writes");
        }
        progress.say("catchup: waiting until MirrorMaker 2 has copied them into %s's cluster ...", FOLLOWER);
        awaitRecords(stack.kafkaClient(follower), mirrored, WARMUP + missed, Duration.ofSeconds(120 + missed / 1000));
        stack.listener().reset(FOLLOWER, T_CATCHUP);
        progress.say("catchup: starting %s's MAIA process ...", FOLLOWER);
        long start = System.nanoTime();
        stack.nodes().startRegion(FOLLOWER);
        long running = System.nanoTime();
        stack.awaitApplied(FOLLOWER, T_CATCHUP, missed);
        BenchListener.Applied a = stack.listener().applied(FOLLOWER, T_CATCHUP);
        double total = (a.lastNanos - start) / 1e9;
        double applyRate = a.count() / a.spanSeconds();
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("records", a.count());
        c.put("seconds_to_caught_up", BenchReport.round(total, 3));
        c.put("seconds_to_running", BenchReport.round((running - start) / 1e9, 3));
        c.put("seconds_applying", BenchReport.round(a.spanSeconds(), 3));
        c.put("records_per_second", BenchReport.round(applyRate, 1));
        c.put("note", "same mechanism as the apply part (a backlog applied after a start), on the mirrored log");
        report.section("catchup", c);
        report.row("catchup", String.format("%d missed: seconds to caught up", a.count()), BenchReport.num(total), null, null, null, null);
        report.row("catchup", "  of which applying, entries/s", BenchReport.num(applyRate), null, null, null, null);
        progress.say("  caught up %d entries in %.2f s from the start (%.1f s to running, %.0f entries/s applying)",
                a.count(), total, (running - start) / 1e9, applyRate);
    }

    /** Waits until the topic (in that cluster) holds at least {@code n} records in all. */
    private static void awaitRecords(Map<String, Object> client, String topic, long n, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long have = 0;
        try (Admin admin = Admin.create(client)) {
            while (System.nanoTime() < deadline) {
                try {
                    TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic);
                    Map<TopicPartition, OffsetSpec> q = new HashMap<>();
                    d.partitions().forEach(p -> q.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
                    have = admin.listOffsets(q).all().get(10, TimeUnit.SECONDS).values().stream()
                            .mapToLong(o -> o.offset()).sum();
                    if (have >= n) {
                        return;
                    }
                } catch (ExecutionException notYet) {
                    // the mirrored topic may not exist yet
                }
                Thread.sleep(200);
            }
        }
        throw new IllegalStateException(topic + " holds " + have + " of " + n + " records after " + timeout.toSeconds() + " s");
    }
}
