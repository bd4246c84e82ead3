package dev.maia.apply.conflict;

import dev.maia.schemas.avro.Conflict;
import dev.maia.schemas.avro.ConflictStrategy;
import dev.maia.schemas.avro.Memory;
import dev.maia.schemas.avro.Operation;
import dev.maia.schemas.avro.ResourceType;
import dev.maia.schemas.avro.WALEntry;
import dev.maia.schemas.wal.AvroClasses;
import dev.maia.schemas.wal.CorruptEntryException;
import dev.maia.schemas.wal.SingleObjectWalCodec;
import dev.maia.schemas.wal.crypt.EncryptedWalCodec;
import dev.maia.schemas.wal.crypt.WalKeyring;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static dev.maia.apply.conflict.ConflictConvergenceTest.memory;
import static dev.maia.apply.conflict.ConflictConvergenceTest.write;
import static org.assertj.core.api.Assertions.assertThat;

/** Conflicts of an encrypted WAL: the feed carries ciphertext, and a resolution is the same bytes in every region. */
class EncryptedConflictsTest {
    static {
        AvroClasses.trust();
    }

    private final SingleObjectWalCodec plain = new SingleObjectWalCodec();
    private final WalKeyring keyring = WalKeyring.of(Map.of("k1", key()), Map.of(), "k1");
    private final EncryptedWalCodec writer = EncryptedWalCodec.writing(plain, keyring);
    private final EncryptedWalCodec reader = EncryptedWalCodec.reading(plain, keyring);

    private static byte[] key() {
        byte[] k = new byte[WalKeyring.KEY_BYTES];
        Arrays.fill(k, (byte) 7);
        return k;
    }

    /** One region's apply: decode (decrypt) what came off the log, apply it with the log's bytes. */
    private final class Region {
        final InMemoryReplicaStore store = new InMemoryReplicaStore(reader);
        final ResourceApplier applier = new ResourceApplier(store, reader);

        ResourceApplier.Outcome apply(byte[] logged) throws CorruptEntryException {
            return applier.apply(reader.decode(logged), logged);
        }
    }

    private static boolean contains(byte[] bytes, String text) {
        return new String(bytes, StandardCharsets.ISO_8859_1).contains(text);
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    @Test
    void theConflictFeedCarriesCiphertextAndEveryRegionStoresTheSameResolution() throws Exception {
        WALEntry here = write(Operation.CREATE, null, memory("secret written here", List.of("t-here"), Map.of(), List.of()),
                1, 1_000, "us-west", ConflictStrategy.merge);
        WALEntry there = write(Operation.CREATE, null, memory("secret written there", List.of("t-there"), Map.of(), List.of()),
                1, 1_001, "eu-central", ConflictStrategy.merge);
        byte[] hereLogged = writer.encode(here);
        byte[] thereLogged = writer.encode(there);

        Region a = new Region();
        Region b = new Region();
        a.apply(hereLogged);
        ResourceApplier.Outcome resolved = a.apply(thereLogged);
        b.apply(thereLogged);
        b.apply(hereLogged);

        assertThat(resolved.result()).isEqualTo(ResourceApplier.Result.RESOLVED);
        byte[] feed = ConflictFeed.value(resolved.conflicts().get(0));
        assertThat(contains(feed, "secret written")).isFalse();
        assertThat(contains(feed, "t-here")).isFalse();
        Conflict conflict = ConflictFeed.decode(feed);
        assertThat(((Memory) reader.decode(bytes(conflict.getWinner())).getData()).getContent()).isEqualTo("secret written there");

        byte[] inA = a.store.winning("acme", ResourceType.memory, "m").orElseThrow();
        byte[] inB = b.store.winning("acme", ResourceType.memory, "m").orElseThrow();
        assertThat(inA).as("a resolution is derived in each region: no random nonce in it").isEqualTo(inB);
        Memory merged = (Memory) a.store.current("acme", ResourceType.memory, "m").orElseThrow().getData();
        assertThat(merged.getTags()).contains("t-here", "t-there");
    }
}
