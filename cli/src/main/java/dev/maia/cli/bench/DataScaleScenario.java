package dev.maia.cli.bench;

import dev.maia.apply.store.ChronicleReplicaStore;
import dev.maia.apply.store.ReplicaStore;
import dev.maia.apply.store.StoreConfig;
import dev.maia.schemas.avro.Memory;
import dev.maia.schemas.avro.Operation;
import dev.maia.schemas.avro.ResourceType;
import dev.maia.schemas.avro.WALEntry;
import dev.maia.schemas.wal.SingleObjectWalCodec;
import dev.maia.schemas.wal.Ulid;
import dev.maia.schemas.wal.WalEntries;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The data part (issue 14, item 4): one region's replica store filled with N memories of one namespace,
 * for each N asked for, straight through the store API the apply path writes with ({@code putWinning}:
 * Chronicle entry and listing index), without Kafka, so that 10 million fit in minutes. Then, per N:
 * the store reopened as a region's start does (timed), the heap after a full GC with it open, pages of
 * 100 at random deep offsets and walked by cursor (each id read back as the list route does), the count
 * of {@code /v1/stats}, and the bytes on disk. Flat heap and start-up from 1 to 10 million is the target.
 */
record DataScaleScenario(Path work, List<Long> counts, int contentSize, Progress progress) {
    static final String TENANT = "bench-data";
    static final String NAMESPACE = "n";
    private static final int PAGE = 100;
    private static final int PAGES_SAMPLED = 2_000;

    void run(BenchReport report) throws Exception {
        List<Map<String, Object>> results = new ArrayList<>();
        Map<Long, Double> heap = new LinkedHashMap<>();
        Map<Long, Double> startup = new LinkedHashMap<>();
        for (long n : counts) {
            Map<String, Object> r = measure(n);
            results.add(r);
            heap.put(n, (Double) r.get("heap_after_listing_gc_mb"));
            startup.put(n, (Double) r.get("reopen_ms"));
            report.row("data", String.format("%,d: heap after GC MB", n), BenchReport.num((Double) r.get("heap_after_gc_mb")), null, null, null, null);
            report.row("data", String.format("%,d: heap, listed, GC MB", n), BenchReport.num(heap.get(n)), null, null, null, null);
            report.row("data", String.format("%,d: reopen ms", n), BenchReport.num(startup.get(n)), null, null, null, null);
            report.row("data", String.format("%,d: offset page p99 ms", n), BenchReport.num((Double) r.get("offset_page_p99_ms")), null, null, null, null);
            report.row("data", String.format("%,d: cursor page p99 ms", n), BenchReport.num((Double) r.get("cursor_page_p99_ms")), null, null, null, null);
        }
        report.section("data", results);
        if (counts.size() > 1) {
            long first = counts.get(0);
            long last = counts.get(counts.size() - 1);
            for (String what : List.of("heap", "startup")) {
                Map<Long, Double> m = what.equals("heap") ? heap : startup;
                double ratio = m.get(last) / m.get(first);
                boolean met = ratio <= 1.2;
                report.target("data " + what + " " + last + " vs " + first, m.get(last), m.get(first), ratio, "<= 1.2x", met);
                report.row("data", what + String.format(" %,d / %,d", last, first), BenchReport.num(m.get(last)),
                        BenchReport.num(m.get(first)), ratio, "<= 1.2x", met);
            }
        }
    }

    private Map<String, Object> measure(long n) throws Exception {
        Path dir = work.resolve("data-" + n);
        // Sized as a region's store_max_entries would be for n: Chronicle preallocates (sparse) for it.
        StoreConfig config = new StoreConfig(dir, Math.max(10_000, n + n / 10), 64 + contentSize + 64, 1_000);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("memories", n);
        long fillStart = System.nanoTime();
        List<String> sampleIds = fill(config, n);
        double fillSeconds = (System.nanoTime() - fillStart) / 1e9;
        r.put("fill_seconds", BenchReport.round(fillSeconds, 1));
        r.put("fill_per_second", Math.round(n / fillSeconds));
        progress.say("data: %,d memories written in %.1f s (%.0f/s), store closed", n, fillSeconds, n / fillSeconds);

        double baseline = Machine.heapAfterGcMb();
        long openStart = System.nanoTime();
        try (ChronicleReplicaStore store = ChronicleReplicaStore.open(config)) {
            double reopenMs = (System.nanoTime() - openStart) / 1e6;
            r.put("reopen_ms", BenchReport.round(reopenMs, 1));
            r.put("index_rebuilt", store.indexRebuildReason().orElse(null));
            double heap = Machine.heapAfterGcMb();
            r.put("heap_after_gc_mb", BenchReport.round(heap, 1));
            r.put("heap_store_mb", BenchReport.round(heap - baseline, 1));
            progress.say("data: %,d memories: reopened in %.0f ms, heap after GC %.1f MB (%.1f MB with the store open)",
                    n, reopenMs, heap - baseline, heap);

            SplittableRandom random = new SplittableRandom(n);
            long[] byOffset = new long[PAGES_SAMPLED];
            for (int i = 0; i < PAGES_SAMPLED; i++) {
                int offset = (int) random.nextLong(Math.max(1, n - PAGE));
                long t = System.nanoTime();
                ReplicaStore.Page page = store.memoryIds(TENANT, NAMESPACE, offset, PAGE);
                readAll(store, page);
                byOffset[i] = System.nanoTime() - t;
                require(page.ids().size() == Math.min(PAGE, n - offset) && page.total() == n, "offset page " + offset + " of " + n);
            }
            long[] byCursor = new long[PAGES_SAMPLED];
            for (int i = 0; i < PAGES_SAMPLED; i++) {
                String after = sampleIds.get(random.nextInt(sampleIds.size()));
                long t = System.nanoTime();
                ReplicaStore.Page page = store.memoryIdsAfter(TENANT, NAMESPACE, after, PAGE);
                readAll(store, page);
                byCursor[i] = System.nanoTime() - t;
                require(page.total() == n, "cursor page of " + n);
            }
            long[] counting = new long[200];
            for (int i = 0; i < counting.length; i++) {
                long t = System.nanoTime();
                long total = store.memoryCounts(TENANT).get(NAMESPACE);
                counting[i] = System.nanoTime() - t;
                require(total == n, "count " + total + " of " + n);
            }
            // Again once the listings have filled MVStore's page cache: the steady heap, and the one the target takes.
            double steady = Machine.heapAfterGcMb();
            r.put("heap_after_listing_gc_mb", BenchReport.round(steady, 1));
            Latencies offsets = Latencies.of(byOffset);
            Latencies cursors = Latencies.of(byCursor);
            Latencies counted = Latencies.of(counting);
            r.put("offset_page", offsets.toJson());
            r.put("offset_page_p99_ms", offsets.p99Ms());
            r.put("cursor_page", cursors.toJson());
            r.put("cursor_page_p99_ms", cursors.p99Ms());
            r.put("count", counted.toJson());
            progress.say("data: %,d memories: pages of %d at random offsets p50 %.2f p99 %.2f ms; by cursor p50 %.2f p99 %.2f ms; count p99 %.3f ms",
                    n, PAGE, offsets.p50Ms(), offsets.p99Ms(), cursors.p50Ms(), cursors.p99Ms(), counted.p99Ms());
        }
        long disk = duBytes(dir);
        r.put("disk_bytes", disk);
        r.put("disk_bytes_per_memory", Math.round((double) disk / n));
        r.put("index_file_bytes", Files.size(dir.resolve("listing-index.mv.db")));
        // What a crash costs: the index lost, rebuilt from every stored entry at the next open.
        Files.delete(dir.resolve("listing-index.mv.db"));
        long rebuildStart = System.nanoTime();
        try (ChronicleReplicaStore store = ChronicleReplicaStore.open(config)) {
            double rebuildMs = (System.nanoTime() - rebuildStart) / 1e6;
            require(store.indexRebuildReason().isPresent() && store.memoryCounts(TENANT).get(NAMESPACE) == n, "rebuild of " + n);
            r.put("rebuild_ms", BenchReport.round(rebuildMs, 1));
            progress.say("data: %,d memories: index lost (as after a crash) and rebuilt at open in %.1f s", n, rebuildMs / 1000);
        }
        r.put("load_average", Machine.loadAverage());
        return r;
    }

    /** Writes n memories in one namespace through the store API; answers every 10,000th id for cursors. */
    private List<String> fill(StoreConfig config, long n) {
        SingleObjectWalCodec codec = new SingleObjectWalCodec();
        String content = "x".repeat(contentSize);
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        List<String> sample = new ArrayList<>();
        long start = System.nanoTime();
        try (ChronicleReplicaStore store = ChronicleReplicaStore.open(config)) {
            long already = store.memoryCounts(TENANT).getOrDefault(NAMESPACE, 0);
            require(already == 0, dir(config) + " already holds memories: use a fresh --work-dir");
            for (long i = 0; i < n; i++) {
                String id = Ulid.next();
                Memory m = Memory.newBuilder().setId(id).setNamespace(NAMESPACE).setContent(content).setCreatedAt(t).setUpdatedAt(t).build();
                WALEntry e = WalEntries.memoryChange(Operation.CREATE, TENANT, id, NAMESPACE, m, 1L << 16, "us-west", 0);
                store.putWinning(e, codec.encode(e), null);
                if (i % 10_000 == 0) {
                    sample.add(id);
                }
                if (i > 0 && i % 1_000_000 == 0) {
                    progress.say("data: %,d of %,d written (%.0f/s)", i, n, i / ((System.nanoTime() - start) / 1e9));
                }
            }
        }
        return sample;
    }

    private static Path dir(StoreConfig config) {
        return config.directory();
    }

    private static void readAll(ReplicaStore store, ReplicaStore.Page page) {
        for (String id : page.ids()) {
            require(store.live(TENANT, ResourceType.memory, id).isPresent(), "memory " + id + " listed but not stored");
        }
    }

    /** Allocated bytes (Chronicle's files are sparse: their length is what they were sized for, not what they hold). */
    private static long duBytes(Path dir) throws IOException, InterruptedException {
        Process du = new ProcessBuilder("du", "-s", "--block-size=1", dir.toString()).redirectErrorStream(true).start();
        String out = new String(du.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        du.waitFor();
        return Long.parseLong(out.split("\\s+")[0]);
    }

    private static void require(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException("data part: " + what);
        }
    }
}
