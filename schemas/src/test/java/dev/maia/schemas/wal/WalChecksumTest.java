package dev.maia.schemas.wal;

import dev.maia.schemas.avro.WALEntry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

class WalChecksumTest {
    private final SingleObjectWalCodec codec = new SingleObjectWalCodec();

    @Test
    void roundTripsAnIntactEntry() throws Exception {
        WALEntry entry = TestEntries.entry("hello", HybridLogicalClock.pack(1_700_000_000_000L, 3), "us-west", 2);
        byte[] bytes = codec.encode(entry);
        WALEntry back = codec.decode(bytes);
        assertThat(back).isEqualTo(entry);
        assertThat(back.getData()).isEqualTo(entry.getData());
    }

    @Test
    void everySingleBitFlipIsDetected() throws Exception {
        byte[] bytes = codec.encode(TestEntries.entry("some content worth protecting", 42L << 16, "eu-central", 1));
        int flips = 0;
        for (int i = 0; i < bytes.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] copy = bytes.clone();
                copy[i] ^= (byte) (1 << bit);
                try {
                    codec.decode(copy);
                    fail("flip of bit " + bit + " in byte " + i + " of " + bytes.length + " went undetected");
                } catch (CorruptEntryException expected) {
                    flips++;
                }
            }
        }
        assertThat(flips).isEqualTo(bytes.length * 8);
    }

    @Test
    void truncatedAndEmptyValuesAreCorrupt() {
        byte[] bytes = codec.encode(TestEntries.entry("x", 1L << 16, "us-west", 0));
        assertThatThrownBy(() -> codec.decode(java.util.Arrays.copyOf(bytes, bytes.length - 1)))
                .isInstanceOf(CorruptEntryException.class);
        assertThatThrownBy(() -> codec.decode(new byte[0])).isInstanceOf(CorruptEntryException.class);
        assertThatThrownBy(() -> codec.decode(null)).isInstanceOf(CorruptEntryException.class);
    }
}
