package dev.maia.apply;

import dev.maia.apply.store.ChronicleReplicaStore;
import dev.maia.apply.store.ReplicaStore;
import dev.maia.apply.store.StoreConfig;
import dev.maia.apply.store.StoreFullException;
import dev.maia.schemas.avro.Memory;
import dev.maia.schemas.avro.Namespace;
import dev.maia.schemas.avro.Operation;
import dev.maia.schemas.avro.ResourceType;
import dev.maia.schemas.avro.WALEntry;
import dev.maia.schemas.wal.SingleObjectWalCodec;
import dev.maia.schemas.wal.WalEntries;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import dev.maia.schemas.wal.AvroClasses;
import java.time.Instant;
import java.util.List;

class ChronicleReplicaStoreTest {
    static {
        AvroClasses.trust();
    }

    private final SingleObjectWalCodec codec = new SingleObjectWalCodec();
    @TempDir
    Path dir;

    private static WALEntry entry(String id, int contentBytes) {
        Instant t = Instant.EPOCH;
        Memory m = Memory.newBuilder().setId(id).setNamespace("ns").setContent("x".repeat(contentBytes)).setCreatedAt(t).setUpdatedAt(t).build();
        return WalEntries.memoryChange(Operation.CREATE, "acme", id, "ns", m, 1L << 16, "us-west", 0);
    }

    private void put(ChronicleReplicaStore store, WALEntry e) {
        store.putWinning(e, codec.encode(e), null);
    }

    @Test
    void entryBytesPerTenantAreWhatEachTenantsOwnPassSums() {
        StoreConfig config = new StoreConfig(dir, 1_000, 128, 100);
        Instant t = Instant.EPOCH;
        try (ChronicleReplicaStore store = ChronicleReplicaStore.open(config)) {
            for (int i = 0; i < 30; i++) {
                String tenant = "tenant-" + (i % 3);
                String id = "m" + i;
                Memory m = Memory.newBuilder().setId(id).setNamespace("ns").setContent("x".repeat(10 + i)).setCreatedAt(t).setUpdatedAt(t).build();
                put(store, WalEntries.memoryChange(Operation.CREATE, tenant, id, "ns", m, 1L << 16, "us-west", 0));
            }
            Map<String, Long> perTenant = new HashMap<>();
            for (String tenant : List.of("tenant-0", "tenant-1", "tenant-2")) {
                long[] sum = {0};
                store.forEachEntry(tenant, (type, id, encoded) -> sum[0] += encoded.length);
                perTenant.put(tenant, sum[0]);
            }
            assertThat(perTenant.values()).allMatch(b -> b > 0);
            assertThat(store.entryBytesPerTenant()).isEqualTo(perTenant);
        }
    }

    @Test
    void keepsEntriesAndPositionsAcrossReopen() {
        StoreConfig config = new StoreConfig(dir, 1_000, 128, 100);
        WALEntry m1 = entry("m1", 10);
        byte[] m1Bytes = codec.encode(m1);
        try (ChronicleReplicaStore store = ChronicleReplicaStore.open(config)) {
            store.putWinning(m1, m1Bytes, null);
            store.recordApplied("us-west", "acme", 2, 41);
        }
        try (ChronicleReplicaStore store = ChronicleReplicaStore.open(config)) {
            assertThat(store.winning("acme", ResourceType.memory, "m1")).get().isEqualTo(m1Bytes);
            assertThat(store.memoryIds("acme", "ns", 0, 10).ids()).as("the listing index is kept across reopen").containsExactly("m1");
            assertThat(store.appliedOffset("us-west", "acme", 2)).isEqualTo(41);
            assertThat(store.appliedOffset("us-west", "acme", 1)).isEqualTo(-1);
        }
    }

    @Test
    void keepsTheSiblingsOfAResolvedStateAcrossReopenUntilAnOrdinaryWriteOrAPurge() {
        StoreConfig config = new StoreConfig(dir, 1_000, 128, 100);
        WALEntry a = entry("m1", 10);
        WALEntry b = entry("m1", 20);
        byte[] aBytes = codec.encode(a);
        byte[] bBytes = codec.encode(b);
        try (ChronicleReplicaStore store = ChronicleReplicaStore.open(config)) {
            store.putResolved(b, bBytes, List.of(aBytes, bBytes), null);
        }
        try (ChronicleReplicaStore store = ChronicleReplicaStore.open(config)) {
            assertThat(store.siblings("acme", ResourceType.memory, "m1")).containsExactly(aBytes, bBytes);
            store.putWinning(a, aBytes, b);
            assertThat(store.siblings("acme", ResourceType.memory, "m1")).isEmpty();
            store.putResolved(b, bBytes, List.of(aBytes, bBytes), a);
            store.purgeTenant("acme");
            assertThat(store.siblings("acme", ResourceType.memory, "m1")).isEmpty();
        }
    }

    @Test
    void aFullStoreFailsWithAnErrorThatNamesTheSetting() {
        try (ChronicleReplicaStore store = ChronicleReplicaStore.open(new StoreConfig(dir, 100, 64, 100))) {
            assertThatThrownBy(() -> {
                for (int i = 0; i < 1_000_000; i++) {
                    put(store, entry("m" + i, 10));
                }
            }).isInstanceOf(StoreFullException.class).hasMessageContaining("raise store_max_entries");
            assertThat(store.resourceCount()).isGreaterThanOrEqualTo(100);
        }
    }

    @Test
    void aBadSizeIsRefusedByItsKey() {
        Map<String, Object> region = Map.of("region", "us-west", "bootstrap_servers", "k:9092", "work_dir", dir.toString(),
                "kafka_security_protocol", "PLAINTEXT");
        assertThatThrownBy(() -> new ApplyConfig(with(region, "store_max_entries", 0)))
                .hasMessage("store_max_entries: must be >= 1, got 0");
        assertThatThrownBy(() -> new ApplyConfig(with(region, "store_average_value_bytes", 1)))
                .hasMessage("store_average_value_bytes: must be >= 16, got 1");
        assertThatThrownBy(() -> new ApplyConfig(with(region, "store_max_positions", 0)))
                .hasMessage("store_max_positions: must be >= 1, got 0");
        assertThatThrownBy(() -> new ApplyConfig(with(region, "store_tenant_quota_bytes", 0)))
                .hasMessage("store_tenant_quota_bytes: must be >= 1, got 0");
        // Unset, a tenant's quota is half of what the store is sized for.
        assertThat(new ApplyConfig(with(region, "store_max_positions", 7)).store())
                .isEqualTo(new StoreConfig(dir.resolve("store"), 1_000_000, 1024, 7, 512_000_000L));
    }

    private static Map<String, Object> with(Map<String, Object> values, String key, Object value) {
        Map<String, Object> all = new HashMap<>(values);
        all.put(key, value);
        return all;
    }

    private static WALEntry namespace(Operation op, String id, String name) {
        Instant t = Instant.EPOCH;
        Namespace n = op == Operation.DELETE ? null : Namespace.newBuilder().setId(id).setName(name).setCreatedAt(t).setUpdatedAt(t).build();
        WALEntry e = WalEntries.namespaceChange(op, "acme", id, n, 1L << 16, "us-west", 0);
        e.setNamespace(name);
        return e;
    }

    private static WALEntry memory(Operation op, String id, String namespace) {
        Instant t = Instant.EPOCH;
        Memory m = op == Operation.DELETE ? null
                : Memory.newBuilder().setId(id).setNamespace(namespace).setContent("c").setCreatedAt(t).setUpdatedAt(t).build();
        return WalEntries.memoryChange(op, "acme", id, namespace, m, 1L << 16, "us-west", 0);
    }

    /** Lookups by name and the counts of /v1/stats follow renames, moves and deletes, and survive a reopen. */
    @Test
    void namesAndCountsFollowEveryChangeOfAWinningEntry() {
        StoreConfig config = new StoreConfig(dir, 1_000, 128, 100);
        try (ChronicleReplicaStore store = ChronicleReplicaStore.open(config)) {
            WALEntry n1 = namespace(Operation.CREATE, "n1", "projects");
            put(store, n1);
            WALEntry renamed = namespace(Operation.UPDATE, "n1", "archive");
            store.putWinning(renamed, codec.encode(renamed), n1);
            put(store, namespace(Operation.CREATE, "n2", "projects"));
            assertThat(store.namespacesNamed("acme", "projects")).containsExactly("n2");
            assertThat(store.namespacesNamed("acme", "archive")).containsExactly("n1");

            WALEntry m1 = memory(Operation.CREATE, "m1", "projects");
            put(store, m1);
            put(store, memory(Operation.CREATE, "m2", "projects"));
            put(store, memory(Operation.CREATE, "m3", "default"));
            WALEntry moved = memory(Operation.UPDATE, "m1", "archive");
            store.putWinning(moved, codec.encode(moved), m1);
            WALEntry m3 = store.current("acme", ResourceType.memory, "m3").orElseThrow();
            WALEntry deleted = memory(Operation.DELETE, "m3", "default");
            store.putWinning(deleted, codec.encode(deleted), m3);
            assertThat(store.memoryCounts("acme")).containsExactly(Map.entry("archive", 1), Map.entry("projects", 1));
        }
        try (ChronicleReplicaStore store = ChronicleReplicaStore.open(config)) {
            assertThat(store.namespacesNamed("acme", "archive")).containsExactly("n1");
            assertThat(store.namespacesNamed("acme", "projects")).containsExactly("n2");
            assertThat(store.memoryCounts("acme")).containsExactly(Map.entry("archive", 1), Map.entry("projects", 1));
            store.purgeTenant("acme");
            assertThat(store.namespacesNamed("acme", "archive")).isEmpty();
            assertThat(store.memoryCounts("acme")).isEmpty();
        }
    }

    /** A store that was not closed (a crash) rebuilds its listing index from its entries; a clean close keeps it. */
    @Test
    void rebuildsTheListingIndexAfterACrashAndKeepsItAfterACleanClose() throws Exception {
        StoreConfig config = new StoreConfig(dir.resolve("live"), 1_000, 128, 100);
        Path crashed = dir.resolve("crashed");
        try (ChronicleReplicaStore store = ChronicleReplicaStore.open(config)) {
            assertThat(store.indexRebuildReason()).as("a new store has nothing to rebuild").isEmpty();
            put(store, memory(Operation.CREATE, "m2", "ns"));
            put(store, memory(Operation.CREATE, "m1", "ns"));
            // The files as a crash leaves them: copied while the store is open.
            Files.createDirectories(crashed);
            try (var files = Files.list(config.directory())) {
                for (Path f : files.toList()) {
                    Files.copy(f, crashed.resolve(f.getFileName()));
                }
            }
        }
        try (ChronicleReplicaStore store = ChronicleReplicaStore.open(new StoreConfig(crashed, 1_000, 128, 100))) {
            assertThat(store.indexRebuildReason()).get().asString().contains("not closed cleanly");
            assertThat(store.memoryIds("acme", "ns", 0, 10).ids()).containsExactly("m1", "m2");
        }
        ChronicleReplicaStore closedTwice = ChronicleReplicaStore.open(config);
        closedTwice.close();
        closedTwice.close();
        try (ChronicleReplicaStore store = ChronicleReplicaStore.open(config)) {
            assertThat(store.indexRebuildReason()).isEmpty();
            assertThat(store.memoryIds("acme", "ns", 1, 10)).isEqualTo(new ReplicaStore.Page(List.of("m2"), 2, 1));
            assertThat(store.memoryIdsAfter("acme", "ns", "m1", 10)).isEqualTo(new ReplicaStore.Page(List.of("m2"), 2, 1));
        }
    }
}
