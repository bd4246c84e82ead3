package dev.maia.schemas.wal.crypt;

import dev.maia.schemas.avro.Memory;
import dev.maia.schemas.avro.Operation;
import dev.maia.schemas.avro.WALEntry;
import dev.maia.schemas.wal.CorruptEntryException;
import dev.maia.schemas.wal.SingleObjectWalCodec;
import dev.maia.schemas.wal.WalChecksum;
import dev.maia.schemas.wal.WalEntries;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What an encrypted WAL entry hides, what it binds, and what a reader without the right key gets. */
class EncryptedWalCodecTest {
    private static final byte[] K1 = key(1);
    private static final byte[] K2 = key(2);
    private final SingleObjectWalCodec plain = new SingleObjectWalCodec();
    private final WalKeyring ring = WalKeyring.of(Map.of("k1", K1), Map.of(), "k1");
    private final EncryptedWalCodec writer = EncryptedWalCodec.writing(plain, ring);
    private final EncryptedWalCodec reader = EncryptedWalCodec.reading(plain, ring);

    static byte[] key(int seed) {
        byte[] k = new byte[WalKeyring.KEY_BYTES];
        Arrays.fill(k, (byte) seed);
        k[0] = (byte) (seed * 31);
        return k;
    }

    static WALEntry entry(String tenant, String id, String content, long hlc) {
        Instant now = Instant.ofEpochMilli(1_700_000_000_000L);
        Memory m = Memory.newBuilder().setId(id).setNamespace("secret-project").setContent(content)
                .setMetadata(Map.of("k", "\"v\"")).setTags(List.of("tag-a")).setCreatedAt(now).setUpdatedAt(now).build();
        return WalEntries.memoryChange(Operation.CREATE, tenant, id, "secret-project", m, hlc, "us-west", 1);
    }

    private static boolean contains(byte[] haystack, String needle) {
        return new String(haystack, StandardCharsets.ISO_8859_1).contains(needle);
    }

    @Test
    void theEncodedEntryHoldsNoContentAndDecodesBackToIt() throws Exception {
        WALEntry original = entry("acme", "m1", "the launch code is 4711", 5L << 16);
        byte[] bytes = writer.encode(original);

        assertThat(contains(bytes, "launch code")).isFalse();
        assertThat(contains(bytes, "secret-project")).as("the namespace is hidden too").isFalse();
        assertThat(contains(bytes, "tag-a")).isFalse();
        WALEntry read = reader.decode(bytes);
        assertThat(((Memory) read.getData()).getContent()).isEqualTo("the launch code is 4711");
        assertThat(read.getNamespace()).isEqualTo("secret-project");
        assertThat(read.getSealed()).isNull();
        // The caller's entry is untouched, but for the checksum of what went to the log.
        assertThat(((Memory) original.getData()).getContent()).isEqualTo("the launch code is 4711");
        assertThat(original.getSealed()).isNull();
        assertThat(original.getChecksum()).isEqualTo(read.getChecksum());
    }

    @Test
    void aPlainReaderSeesTheKeyIdButNotTheContent() throws Exception {
        WALEntry raw = plain.decode(writer.encode(entry("acme", "m1", "hidden", 5L << 16)));
        assertThat(raw.getSealed().getKeyId()).isEqualTo("k1");
        assertThat(raw.getData()).isNull();
        assertThat(raw.getNamespace()).isNull();
    }

    @Test
    void everyEntryGetsAFreshNonce() {
        WALEntry e = entry("acme", "m1", "same", 5L << 16);
        byte[] a = writer.encode(e);
        byte[] b = writer.encode(e);
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void ciphertextMovedToAnotherEntryDoesNotDecrypt() throws Exception {
        WALEntry victim = plain.decode(writer.encode(entry("acme", "m1", "victim's secret", 5L << 16)));
        for (WALEntry target : List.of(entry("other-tenant", "m1", "x", 5L << 16), entry("acme", "m2", "x", 5L << 16),
                entry("acme", "m1", "x", 6L << 16))) {
            byte[] bytes = writer.encode(target);
            WALEntry moved = plain.decode(bytes);
            moved.setSealed(victim.getSealed());
            moved.setId(victim.getId());
            byte[] forged = plain.encode(moved); // a valid checksum: the attacker can compute CRCs
            assertThatThrownBy(() -> reader.decode(forged))
                    .isInstanceOfSatisfying(CorruptEntryException.class, e -> assertThat(e.reason()).isEqualTo("decryption_failed"));
        }
    }

    @Test
    void alteredCiphertextIsRefusedByTheChecksumFirstAndByTheTagWhenTheChecksumIsRestamped() throws Exception {
        byte[] bytes = writer.encode(entry("acme", "m1", "payload", 5L << 16));
        WALEntry raw = plain.decode(bytes);
        // Flip the same byte in the record value: the CRC covers the ciphertext, so it is caught before any key is used.
        ByteBuffer ciphertext = raw.getSealed().getCiphertext().duplicate();
        byte[] ct = new byte[ciphertext.remaining()];
        ciphertext.get(ct);
        int at = indexOf(bytes, ct);
        byte[] flipped = bytes.clone();
        flipped[at + 3] ^= 1;
        assertThatThrownBy(() -> reader.decode(flipped))
                .isInstanceOfSatisfying(CorruptEntryException.class, e -> assertThat(e.reason()).isEqualTo("checksum_mismatch"));

        WalChecksum.stamp(flipped, SingleObjectWalCodec.HEADER_SIZE);
        assertThatThrownBy(() -> reader.decode(flipped))
                .isInstanceOfSatisfying(CorruptEntryException.class, e -> assertThat(e.reason()).isEqualTo("decryption_failed"));
    }

    @Test
    void aWrongKeyOfTheSameIdFailsAndAMissingKeyIsNamed() {
        byte[] bytes = writer.encode(entry("acme", "m1", "payload", 5L << 16));
        EncryptedWalCodec wrongKey = EncryptedWalCodec.reading(plain, WalKeyring.of(Map.of("k1", K2), Map.of(), null));
        assertThatThrownBy(() -> wrongKey.decode(bytes))
                .isInstanceOfSatisfying(CorruptEntryException.class, e -> assertThat(e.reason()).isEqualTo("decryption_failed"));

        EncryptedWalCodec noKey = EncryptedWalCodec.reading(plain, WalKeyring.of(Map.of("k2", K2), Map.of(), null));
        assertThatThrownBy(() -> noKey.decode(bytes))
                .isInstanceOfSatisfying(CorruptEntryException.class, e -> {
                    assertThat(e.reason()).isEqualTo("no_key");
                    assertThat(e.getMessage()).contains("no key k1 for tenant acme");
                });
        assertThatCode(() -> plain.decode(bytes)).as("a reader without a keyring decodes, it cannot decrypt")
                .doesNotThrowAnyException();
    }

    @Test
    void rotationWritesUnderTheNewKeyAndReadsUnderBoth() throws Exception {
        byte[] old = writer.encode(entry("acme", "m1", "written under k1", 5L << 16));
        WalKeyring rotated = WalKeyring.of(Map.of("k1", K1, "k2", K2), Map.of("acme", "k2"), "k1");
        byte[] fresh = EncryptedWalCodec.writing(plain, rotated).encode(entry("acme", "m2", "written under k2", 6L << 16));
        byte[] otherTenant = EncryptedWalCodec.writing(plain, rotated).encode(entry("globex", "m3", "default key", 6L << 16));

        assertThat(plain.decode(fresh).getSealed().getKeyId()).isEqualTo("k2");
        assertThat(plain.decode(otherTenant).getSealed().getKeyId()).isEqualTo("k1");
        EncryptedWalCodec after = EncryptedWalCodec.reading(plain, rotated);
        assertThat(((Memory) after.decode(old).getData()).getContent()).isEqualTo("written under k1");
        assertThat(((Memory) after.decode(fresh).getData()).getContent()).isEqualTo("written under k2");
        assertThatThrownBy(() -> reader.decode(fresh)).as("a region not yet given k2")
                .isInstanceOfSatisfying(CorruptEntryException.class, e -> assertThat(e.reason()).isEqualTo("no_key"));
    }

    @Test
    void aTenantWithoutAKeyCannotWrite() {
        EncryptedWalCodec strict = EncryptedWalCodec.writing(plain, WalKeyring.of(Map.of("k1", K1), Map.of("acme", "k1"), null));
        WALEntry e = entry("globex", "m1", "must not be written in plaintext", 5L << 16);
        assertThatThrownBy(() -> strict.encode(e)).isInstanceOfSatisfying(MissingKeyException.class, x -> {
            assertThat(x.status()).isEqualTo(503);
            assertThat(x.code()).isEqualTo("NO_WAL_KEY");
        });
        assertThat(((Memory) e.getData()).getContent()).isEqualTo("must not be written in plaintext");
    }

    @Test
    void plaintextEntriesAndDeletesStayReadable() throws Exception {
        byte[] old = plain.encode(entry("acme", "m1", "before encryption", 4L << 16));
        assertThat(((Memory) reader.decode(old).getData()).getContent()).isEqualTo("before encryption");

        WALEntry delete = WalEntries.memoryChange(Operation.DELETE, "acme", "m1", "secret-project", null, 7L << 16, "us-west", 1);
        byte[] sealed = writer.encode(delete);
        assertThat(contains(sealed, "secret-project")).isFalse();
        WALEntry read = reader.decode(sealed);
        assertThat(read.getData()).isNull();
        assertThat(read.getNamespace()).isEqualTo("secret-project");
    }

    @Test
    void theReadingViewEncodesAsGivenSoDerivedEntriesAreTheSameBytesEverywhere() {
        WALEntry e = entry("acme", "m1", "resolution", 5L << 16);
        assertThat(reader.encode(e)).isEqualTo(reader.encode(e)).isEqualTo(plain.encode(e));
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("ciphertext not found in the record");
    }
}
