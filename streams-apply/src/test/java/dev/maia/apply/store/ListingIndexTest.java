package dev.maia.apply.store;

import dev.maia.schemas.avro.Memory;
import dev.maia.schemas.avro.Namespace;
import dev.maia.schemas.avro.Operation;
import dev.maia.schemas.avro.WALEntry;
import dev.maia.schemas.wal.AvroClasses;
import dev.maia.schemas.wal.SingleObjectWalCodec;
import dev.maia.schemas.wal.WalEntries;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The on-disk listing index: pages, counts and its trust across closes, crashes and foreign files. */
class ListingIndexTest {
    static {
        AvroClasses.trust();
    }

    private final SingleObjectWalCodec codec = new SingleObjectWalCodec();
    @TempDir
    Path dir;

    private static WALEntry memory(String tenant, String id, String namespace) {
        Instant t = Instant.EPOCH;
        Memory m = Memory.newBuilder().setId(id).setNamespace(namespace).setContent("c").setCreatedAt(t).setUpdatedAt(t).build();
        return WalEntries.memoryChange(Operation.CREATE, tenant, id, namespace, m, 1L << 16, "us-west", 0);
    }

    private static WALEntry deleted(String tenant, String id, String namespace) {
        return WalEntries.memoryChange(Operation.DELETE, tenant, id, namespace, null, 1L << 16, "us-west", 0);
    }

    private static WALEntry namespace(String tenant, String id, String name) {
        Instant t = Instant.EPOCH;
        Namespace n = Namespace.newBuilder().setId(id).setName(name).setCreatedAt(t).setUpdatedAt(t).build();
        WALEntry e = WalEntries.namespaceChange(Operation.CREATE, tenant, id, n, 1L << 16, "us-west", 0);
        e.setNamespace(name);
        return e;
    }

    private ListingIndex open(long storedResources) {
        return ListingIndex.open(dir.resolve(ListingIndex.FILE_NAME), storedResources, 1);
    }

    /** 2,500 ids written in random order, with neighbours in other namespaces and tenants. */
    private static List<String> fill(ListingIndex index) {
        List<String> ids = IntStream.range(0, 2_500).mapToObj(i -> String.format("m%05d", i)).collect(Collectors.toList());
        List<String> shuffled = new ArrayList<>(ids);
        Collections.shuffle(shuffled, new Random(7));
        for (String id : shuffled) {
            index.changed(null, memory("acme", id, "ns"));
        }
        index.changed(null, memory("acme", "a-before", "nr"));
        index.changed(null, memory("acme", "z-after", "nt"));
        index.changed(null, memory("acme", "prefix", "ns2"));
        index.changed(null, memory("acme2", "other-tenant", "ns"));
        return ids;
    }

    @Test
    void pagesByOffsetAndByCursorWalkTheSortedIdsOfOneNamespace() {
        ListingIndex index = open(0);
        List<String> ids = fill(index);

        List<String> byOffset = new ArrayList<>();
        for (int offset = 0; ; offset += 333) {
            ListingIndex.Page page = index.memoryIds("acme", "ns", offset, 333);
            assertThat(page.total()).isEqualTo(2_500);
            assertThat(page.offset()).isEqualTo(offset);
            if (page.ids().isEmpty()) {
                break;
            }
            byOffset.addAll(page.ids());
        }
        assertThat(byOffset).isEqualTo(ids);

        List<String> byCursor = new ArrayList<>(index.memoryIds("acme", "ns", 0, 333).ids());
        while (true) {
            ListingIndex.Page page = index.memoryIdsAfter("acme", "ns", byCursor.get(byCursor.size() - 1), 333);
            assertThat(page.offset()).as("a cursor page knows where it starts").isEqualTo(byCursor.size());
            if (page.ids().isEmpty()) {
                break;
            }
            byCursor.addAll(page.ids());
        }
        assertThat(byCursor).isEqualTo(ids);
        assertThat(index.memoryIds("acme", "ns", 2_499, 10).ids()).containsExactly("m02499");
        assertThat(index.memoryIds("acme", "ns", 2_500, 10).ids()).isEmpty();
        assertThat(index.memoryIds("acme", "none", 0, 10)).isEqualTo(new ListingIndex.Page(List.of(), 0, 0));
        index.close(0);
    }

    @Test
    void aCursorNeedNotBeLive() {
        ListingIndex index = open(0);
        fill(index);
        index.changed(memory("acme", "m00010", "ns"), deleted("acme", "m00010", "ns"));
        assertThat(index.memoryIdsAfter("acme", "ns", "m00010", 2).ids()).containsExactly("m00011", "m00012");
        assertThat(index.memoryIdsAfter("acme", "ns", "m00010", 2).offset()).isEqualTo(10);
        assertThat(index.memoryIdsAfter("acme", "ns", "", 1).ids()).containsExactly("m00000");
        assertThat(index.memoryIdsAfter("acme", "ns", "zzz", 5).ids()).isEmpty();
        index.close(0);
    }

    @Test
    void countsFollowAddsMovesAndDeletes() {
        ListingIndex index = open(0);
        fill(index);
        assertThat(index.memoryCounts("acme")).containsExactly(Map.entry("nr", 1), Map.entry("ns", 2_500),
                Map.entry("ns2", 1), Map.entry("nt", 1));
        index.changed(memory("acme", "m00000", "ns"), memory("acme", "m00000", "nt"));
        index.changed(memory("acme", "a-before", "nr"), deleted("acme", "a-before", "nr"));
        assertThat(index.memoryCounts("acme")).containsExactly(Map.entry("ns", 2_499), Map.entry("ns2", 1), Map.entry("nt", 2));
        assertThat(index.memoryCount("acme", "ns")).isEqualTo(2_499);
        assertThat(index.memoryCounts("acme2")).containsExactly(Map.entry("ns", 1));
        assertThat(index.memoryCounts("nobody")).isEmpty();
        index.forget("acme");
        assertThat(index.memoryCounts("acme")).isEmpty();
        assertThat(index.memoryCounts("acme2")).containsExactly(Map.entry("ns", 1));
        index.close(0);
    }

    /** A name that holds the key separator (JSON allows \u0000) does not bleed into its prefix's range. */
    @Test
    void namesAndIdsWithControlCharactersStayApart() {
        ListingIndex index = open(0);
        index.changed(null, memory("acme", "m1", "a"));
        index.changed(null, memory("acme", "m2", "a\0b"));
        index.changed(null, memory("acme", "m3\1x", "a\1"));
        index.changed(null, memory("acme\0", "m4", "a"));
        assertThat(index.memoryIds("acme", "a", 0, 10).ids()).containsExactly("m1");
        assertThat(index.memoryIds("acme", "a\0b", 0, 10).ids()).containsExactly("m2");
        assertThat(index.memoryIdsAfter("acme", "a\1", "m3", 10).ids()).containsExactly("m3\1x");
        assertThat(index.memoryCounts("acme")).containsExactly(Map.entry("a", 1), Map.entry("a\0b", 1), Map.entry("a\1", 1));
        index.forget("acme");
        assertThat(index.memoryCounts("acme")).isEmpty();
        assertThat(index.memoryCounts("acme\0")).containsExactly(Map.entry("a", 1));
        index.close(0);
    }

    @Test
    void namespacesByIdAndByName() {
        ListingIndex index = open(0);
        index.changed(null, namespace("acme", "n2", "projects"));
        index.changed(null, namespace("acme", "n1", "archive"));
        index.changed(null, namespace("acme", "n3", "projects"));
        index.changed(null, namespace("acme2", "n0", "projects"));
        assertThat(index.namespaceIds("acme")).containsExactly("n1", "n2", "n3");
        assertThat(index.namespacesNamed("acme", "projects")).containsExactly("n2", "n3");
        assertThat(index.namespacesNamed("acme", "proj")).isEmpty();
        index.close(0);
    }

    @Test
    void aCleanCloseIsTrustedAtTheSameCount() {
        ListingIndex index = open(0);
        List<String> ids = fill(index);
        index.close(2_504);

        ListingIndex reopened = open(2_504);
        assertThat(reopened.rebuildReason()).isEmpty();
        assertThat(reopened.memoryIds("acme", "ns", 0, 3_000).ids()).isEqualTo(ids);
        reopened.close(2_504);
    }

    @Test
    void aCrashImageIsNotTrusted() throws Exception {
        ListingIndex index = open(0);
        fill(index);
        // What a crash leaves: the file as it is while the index is open.
        Path crashed = Files.createDirectories(dir.resolve("crashed")).resolve(ListingIndex.FILE_NAME);
        Files.copy(dir.resolve(ListingIndex.FILE_NAME), crashed);
        index.close(2_504);

        ListingIndex reopened = ListingIndex.open(crashed, 2_504, 1);
        assertThat(reopened.rebuildReason()).get().asString().contains("not closed cleanly");
        reopened.close(2_504);
        assertThat(ListingIndex.open(crashed, 2_504, 1).rebuildReason()).as("trusted once closed cleanly").isEmpty();
    }

    @Test
    void aGarbageMissingOrForeignFileIsNotTrusted() throws Exception {
        Files.write(dir.resolve(ListingIndex.FILE_NAME), "not an index at all".repeat(500).getBytes());
        ListingIndex garbage = open(10);
        assertThat(garbage.rebuildReason()).get().asString().contains("unreadable");
        assertThat(dir.resolve(ListingIndex.FILE_NAME + ".unreadable")).as("kept for a look").exists();
        garbage.close(10);

        assertThat(ListingIndex.open(dir.resolve("elsewhere").resolve(ListingIndex.FILE_NAME), 10, 1).rebuildReason())
                .get().asString().contains("no index file");

        Path empty = dir.resolve("empty").resolve(ListingIndex.FILE_NAME);
        new org.h2.mvstore.MVStore.Builder().fileName(Files.createDirectories(empty.getParent()).resolve(ListingIndex.FILE_NAME).toString())
                .open().close();
        assertThat(ListingIndex.open(empty, 10, 1).rebuildReason()).as("a file without metadata, for a store that holds entries")
                .get().asString().contains("empty index file");

        ListingIndex other = open(10);
        assertThat(other.rebuildReason()).isEmpty();
        other.close(10);
        assertThat(open(11).rebuildReason()).as("closed at another count: another state of the store")
                .get().asString().contains("11");
    }

    @Test
    void anIndexInUseIsNotTakenOver() {
        ListingIndex index = open(0);
        try {
            assertThatThrownBy(() -> open(0)).hasMessageContaining("in use by another process");
        } finally {
            index.close(0);
        }
        assertThat(open(0).rebuildReason()).isEmpty();
    }

    @Test
    void concurrentWritersLoseNothing() throws Exception {
        ListingIndex index = open(0);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int writer = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 2_000; i++) {
                        String id = "w" + writer + "-" + i;
                        index.changed(null, memory("acme", id, "ns"));
                        if (i % 4 == 0) {
                            index.changed(memory("acme", id, "ns"), deleted("acme", id, "ns"));
                        }
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        TreeSet<String> expected = new TreeSet<>();
        for (int t = 0; t < 4; t++) {
            for (int i = 0; i < 2_000; i++) {
                if (i % 4 != 0) {
                    expected.add("w" + t + "-" + i);
                }
            }
        }
        assertThat(index.memoryCount("acme", "ns")).isEqualTo(6_000);
        assertThat(index.memoryIds("acme", "ns", 0, 10_000).ids()).containsExactlyElementsOf(expected);
        index.close(0);
    }
}
