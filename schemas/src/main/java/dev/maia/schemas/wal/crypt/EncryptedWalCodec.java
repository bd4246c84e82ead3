package dev.maia.schemas.wal.crypt;

import dev.maia.schemas.avro.WALEntry;
import dev.maia.schemas.wal.CorruptEntryException;
import dev.maia.schemas.wal.WalCodec;

/**
 * A codec over another that encrypts entries' content ({@link EntryCipher}) for the log and decrypts it
 * when reading. The checksum is computed over the encrypted bytes, and verified before decryption: a
 * damaged record is still {@code checksum_mismatch}, and a key problem is {@code no_key} or
 * {@code decryption_failed}, each dead-lettered by the apply path with that reason.
 *
 * <p>Entries written without encryption (before the keyring was configured, or by a region without
 * one) are read as they are.
 *
 * <p>Two views: {@link #writing} encrypts what it encodes (the write path's appends);
 * {@link #reading} encodes as given (what a store derives itself, a conflict's resolution, must be the
 * same bytes in every region, and a random nonce would make them differ). Both decrypt what they decode.
 */
public final class EncryptedWalCodec implements WalCodec {
    private final WalCodec plain;
    private final EntryCipher cipher;
    private final boolean sealWrites;

    private EncryptedWalCodec(WalCodec plain, WalKeyring keyring, boolean sealWrites) {
        this.plain = plain;
        this.cipher = new EntryCipher(keyring);
        this.sealWrites = sealWrites;
    }

    /** For appends to the log: every entry encoded is encrypted under its tenant's current key. */
    public static EncryptedWalCodec writing(WalCodec plain, WalKeyring keyring) {
        return new EncryptedWalCodec(plain, keyring, true);
    }

    /** For the apply path and its store: decrypts, and encodes entries as given. */
    public static EncryptedWalCodec reading(WalCodec plain, WalKeyring keyring) {
        return new EncryptedWalCodec(plain, keyring, false);
    }

    /**
     * Encrypts (writing view) and encodes. The caller's entry is left as it was, bar the checksum, which
     * becomes that of the bytes in the log.
     *
     * @throws MissingKeyException when the keyring has no key for the entry's tenant
     */
    @Override
    public byte[] encode(WALEntry entry) {
        if (!sealWrites || entry.getSealed() != null) {
            return plain.encode(entry);
        }
        String namespace = entry.getNamespace();
        Object data = entry.getData();
        try {
            cipher.seal(entry);
            return plain.encode(entry);
        } finally {
            entry.setSealed(null);
            entry.setNamespace(namespace);
            entry.setData(data);
        }
    }

    @Override
    public WALEntry decode(byte[] value) throws CorruptEntryException {
        WALEntry entry = plain.decode(value);
        cipher.open(entry);
        return entry;
    }
}
