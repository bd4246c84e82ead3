package dev.maia.apply.store;

import dev.maia.schemas.avro.Memory;
import dev.maia.schemas.avro.Operation;
import dev.maia.schemas.avro.WALEntry;
import dev.maia.schemas.wal.AvroClasses;
import dev.maia.schemas.wal.SingleObjectWalCodec;
import dev.maia.schemas.wal.WalEntries;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.type.LongDataType;
import org.h2.mvstore.type.StringDataType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The stored bytes per tenant that usage reports read (issue 14): kept as the store changes, so a report
 * reads a map of tenants, and always equal to what a pass over every stored value sums.
 */
class TenantBytesTest {
    static {
        AvroClasses.trust();
    }

    private final SingleObjectWalCodec codec = new SingleObjectWalCodec();
    @TempDir
    Path dir;

    private static WALEntry memory(Operation op, String tenant, String id, int contentBytes) {
        Instant t = Instant.EPOCH;
        Memory m = op == Operation.DELETE ? null
                : Memory.newBuilder().setId(id).setNamespace("ns").setContent("x".repeat(contentBytes)).setCreatedAt(t).setUpdatedAt(t).build();
        return WalEntries.memoryChange(op, tenant, id, "ns", m, 1L << 16, "us-west", 0);
    }

    private StoreConfig config(String name) {
        return new StoreConfig(dir.resolve(name), 1_000, 256, 100);
    }

    /** Writes the entry over whatever the store holds for it, as the apply path does. */
    private WALEntry write(ChronicleReplicaStore store, WALEntry e) {
        WALEntry replaced = store.current(e.getTenantId(), e.getResourceType(), e.getResourceId()).orElse(null);
        store.putWinning(e, codec.encode(e), replaced);
        return e;
    }

    /** Each tenant's bytes summed from its own entries, one pass per tenant: the meaning reports keep. */
    private static Map<String, Long> summedPerTenant(ChronicleReplicaStore store, List<String> tenants) {
        Map<String, Long> sums = new HashMap<>();
        for (String tenant : tenants) {
            long[] sum = {0};
            store.forEachEntry(tenant, (type, id, encoded) -> sum[0] += encoded.length);
            if (sum[0] > 0) {
                sums.put(tenant, sum[0]);
            }
        }
        return sums;
    }

    private static final List<String> TENANTS = List.of("acme", "globex", "initech");

    /** Puts, larger and smaller overwrites, tombstones, sibling writes and a purge, on three tenants. */
    private void mixOfWrites(ChronicleReplicaStore store) {
        for (int i = 0; i < 30; i++) {
            write(store, memory(Operation.CREATE, TENANTS.get(i % 3), "m" + i, 10 + i));
        }
        write(store, memory(Operation.UPDATE, "acme", "m0", 150));    // larger
        write(store, memory(Operation.UPDATE, "globex", "m1", 1));    // smaller
        write(store, memory(Operation.DELETE, "initech", "m2", 0));   // a tombstone, smaller still
        write(store, memory(Operation.DELETE, "acme", "m3", 0));
        // Concurrent writes resolved: the state is one of them, the siblings live in their own map.
        WALEntry a = memory(Operation.UPDATE, "globex", "m4", 70);
        WALEntry b = memory(Operation.UPDATE, "globex", "m4", 5);
        WALEntry replaced = store.current("globex", a.getResourceType(), "m4").orElseThrow();
        store.putResolved(a, codec.encode(a), List.of(codec.encode(a), codec.encode(b)), replaced);
        store.putResolved(b, codec.encode(b), List.of(codec.encode(a), codec.encode(b)), a);
        store.putWinning(a, codec.encode(a), b);
        // The same resource written again without the caller naming what it replaces (a repair).
        WALEntry again = memory(Operation.UPDATE, "acme", "m6", 90);
        store.putWinning(again, codec.encode(again), null);
        write(store, memory(Operation.CREATE, "doomed", "d1", 40));
        write(store, memory(Operation.CREATE, "doomed", "d2", 60));
    }

    @Test
    void theKeptTotalsEqualAFullScanAfterEveryKindOfWrite() {
        try (ChronicleReplicaStore store = ChronicleReplicaStore.open(config("store"))) {
            assertThat(store.entryBytesPerTenant()).as("an empty store").isEmpty();
            mixOfWrites(store);
            List<String> all = List.of("acme", "globex", "initech", "doomed");
            assertThat(store.entryBytesPerTenant()).isEqualTo(store.scanEntryBytesPerTenant())
                    .isEqualTo(summedPerTenant(store, all)).containsOnlyKeys(all);

            assertThat(store.purgeTenant("doomed")).isEqualTo(2);
            assertThat(store.entryBytesPerTenant()).as("a purged tenant has no bytes left")
                    .doesNotContainKey("doomed")
                    .isEqualTo(store.scanEntryBytesPerTenant())
                    .isEqualTo(summedPerTenant(store, all));
        }
    }

    @Test
    void aCleanReopenKeepsTheTotalsWithoutARebuild() {
        Map<String, Long> before;
        try (ChronicleReplicaStore store = ChronicleReplicaStore.open(config("store"))) {
            mixOfWrites(store);
            store.purgeTenant("doomed");
            before = store.entryBytesPerTenant();
        }
        try (ChronicleReplicaStore store = ChronicleReplicaStore.open(config("store"))) {
            assertThat(store.indexRebuildReason()).as("trusted: nothing was scanned").isEmpty();
            assertThat(store.entryBytesPerTenant()).isEqualTo(before).isEqualTo(store.scanEntryBytesPerTenant());
            write(store, memory(Operation.UPDATE, "initech", "m5", 200));
            assertThat(store.entryBytesPerTenant()).as("and they keep following writes")
                    .isEqualTo(store.scanEntryBytesPerTenant());
        }
    }

    @Test
    void aCrashReopenRebuildsTheTotalsFromTheStore() throws Exception {
        StoreConfig live = config("live");
        Path crashed = dir.resolve("crashed");
        try (ChronicleReplicaStore store = ChronicleReplicaStore.open(live)) {
            mixOfWrites(store);
            // The files as a crash leaves them: copied while the store is open, its totals never written.
            Files.createDirectories(crashed);
            try (var files = Files.list(live.directory())) {
                for (Path f : files.toList()) {
                    Files.copy(f, crashed.resolve(f.getFileName()));
                }
            }
        }
        try (ChronicleReplicaStore store = ChronicleReplicaStore.open(new StoreConfig(crashed, 1_000, 256, 100))) {
            assertThat(store.indexRebuildReason()).get().asString().contains("not closed cleanly");
            assertThat(store.entryBytesPerTenant()).isNotEmpty().isEqualTo(store.scanEntryBytesPerTenant());
        }
    }

    /** A write the store refuses moves no total: the bytes stored did not change. */
    @Test
    void aRefusedWriteLeavesTheTotalsAsTheyWere() {
        try (ChronicleReplicaStore store = ChronicleReplicaStore.open(config("store"))) {
            mixOfWrites(store);
            Map<String, Long> before = store.entryBytesPerTenant();
            WALEntry huge = memory(Operation.UPDATE, "acme", "m0", 64 << 20);
            WALEntry replaced = store.current("acme", huge.getResourceType(), "m0").orElseThrow();
            assertThatThrownBy(() -> store.putWinning(huge, codec.encode(huge), replaced))
                    .isInstanceOf(EntryTooLargeException.class).hasMessageContaining("store_average_value_bytes");
            assertThat(store.entryBytesPerTenant()).isEqualTo(before).isEqualTo(store.scanEntryBytesPerTenant());
        }
    }

    /** What the profile of issue 14 found: every report read every stored value. It reads the kept map now. */
    @Test
    void aReportReadsTheKeptTotalsNotTheStoredValues() {
        try (ChronicleReplicaStore store = ChronicleReplicaStore.open(config("store"))) {
            mixOfWrites(store);
        }
        // Totals that no scan could produce, written where a clean close keeps them.
        Path indexFile = config("store").directory().resolve(ListingIndex.FILE_NAME);
        try (MVStore mv = new MVStore.Builder().fileName(indexFile.toString()).open()) {
            MVMap<String, Long> kept = mv.openMap("tenant-bytes", new MVMap.Builder<String, Long>()
                    .keyType(StringDataType.INSTANCE).valueType(LongDataType.INSTANCE));
            kept.clear();
            kept.put("acme", 7L);
        }
        try (ChronicleReplicaStore store = ChronicleReplicaStore.open(config("store"))) {
            assertThat(store.entryBytesPerTenant()).isEqualTo(Map.of("acme", 7L));
        }
    }

    /** An index written before the totals were kept has none: even closed cleanly, it is rebuilt once. */
    @Test
    void anIndexFromBeforeTheTotalsIsRebuilt() {
        try (ChronicleReplicaStore store = ChronicleReplicaStore.open(config("store"))) {
            mixOfWrites(store);
        }
        Path indexFile = config("store").directory().resolve(ListingIndex.FILE_NAME);
        try (MVStore mv = new MVStore.Builder().fileName(indexFile.toString()).open()) {
            mv.removeMap("tenant-bytes");
            mv.openMap("meta", new MVMap.Builder<String, String>()
                    .keyType(StringDataType.INSTANCE).valueType(StringDataType.INSTANCE)).put("format", "1");
        }
        try (ChronicleReplicaStore store = ChronicleReplicaStore.open(config("store"))) {
            assertThat(store.indexRebuildReason()).get().asString().contains("format 1");
            assertThat(store.entryBytesPerTenant()).isNotEmpty().isEqualTo(store.scanEntryBytesPerTenant());
        }
    }
}
