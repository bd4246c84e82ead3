package dev.maia.schemas.wal.crypt;

import dev.maia.schemas.avro.GcmNonce;
import dev.maia.schemas.avro.SealedContent;
import dev.maia.schemas.avro.SealedData;
import dev.maia.schemas.avro.WALEntry;
import dev.maia.schemas.wal.AvroClasses;
import dev.maia.schemas.wal.CorruptEntryException;
import org.apache.avro.AvroRuntimeException;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;

/**
 * AES-256-GCM over what a WAL entry says about its resource: its namespace and data. Each entry gets a
 * fresh random 96-bit nonce. The associated data binds the ciphertext to its entry (tenant, resource
 * type and id, entry id, clock, key id): moved into another entry, or under another key id, it does not
 * decrypt. Everything else of the entry (ids, clock, lineage, origin) stays readable, because mirroring,
 * ordering and conflict detection need it before any key does.
 */
public final class EntryCipher {
    static {
        AvroClasses.trust();
    }

    public static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final String TRANSFORMATION = "AES/GCM/NoPadding";
    /** Versions the associated data's layout, so that a later layout can never be confused with this one. */
    private static final String AAD_LAYOUT = "maia-wal-aad-1";

    private final WalKeyring keyring;
    private final SecureRandom random = new SecureRandom();

    public EntryCipher(WalKeyring keyring) {
        this.keyring = keyring;
    }

    /**
     * Moves the entry's namespace and data into {@code sealed}, encrypted under the tenant's current key.
     * A delete (no data) is sealed too: its namespace is as private as a create's.
     *
     * @throws MissingKeyException when the keyring has no key for the tenant
     */
    public void seal(WALEntry entry) {
        String keyId = keyring.currentKeyId(entry.getTenantId()).orElseThrow(() -> new MissingKeyException(entry.getTenantId()));
        SecretKey key = keyring.key(keyId).orElseThrow(() -> new MissingKeyException(entry.getTenantId()));
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        byte[] plaintext = content(entry);
        byte[] ciphertext;
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData(entry, keyId));
            ciphertext = cipher.doFinal(plaintext);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable in this runtime: " + e.getClass().getSimpleName(), e);
        }
        entry.setSealed(new SealedData(keyId, new GcmNonce(nonce), ByteBuffer.wrap(ciphertext)));
        entry.setNamespace(null);
        entry.setData(null);
    }

    /** Puts a sealed entry's namespace and data back in place and clears {@code sealed}; a plaintext entry is left as it is. */
    public void open(WALEntry entry) throws CorruptEntryException {
        SealedData sealed = entry.getSealed();
        if (sealed == null) {
            return;
        }
        String keyId = sealed.getKeyId();
        SecretKey key = keyring.key(keyId).orElseThrow(() -> new CorruptEntryException("no_key",
                "no key " + keyId + " for tenant " + entry.getTenantId() + " in this region's WAL keyring"));
        byte[] plaintext;
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed.getNonce().bytes()));
            cipher.updateAAD(associatedData(entry, keyId));
            plaintext = cipher.doFinal(bytes(sealed.getCiphertext()));
        } catch (AEADBadTagException e) {
            throw new CorruptEntryException("decryption_failed", "decryption failed under key " + keyId
                    + " (another key of that id, or ciphertext or entry fields altered)");
        } catch (GeneralSecurityException e) {
            throw new CorruptEntryException("decryption_failed", "decryption failed under key " + keyId + ": "
                    + e.getClass().getSimpleName());
        }
        SealedContent content;
        try {
            content = SealedContent.getDecoder().decode(plaintext);
        } catch (IOException | AvroRuntimeException e) {
            throw new CorruptEntryException("undecodable", "decrypted content is not a known SealedContent: " + e.getMessage(), e);
        }
        entry.setNamespace(content.getNamespace());
        entry.setData(content.getData());
        entry.setSealed(null);
    }

    private static byte[] content(WALEntry entry) {
        try {
            return SealedContent.getEncoder().encode(new SealedContent(entry.getNamespace(), entry.getData())).array();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode the content of WAL entry " + entry.getId(), e);
        }
    }

    /** Length-prefixed fields, so that no two different entries give the same bytes. */
    static byte[] associatedData(WALEntry entry, String keyId) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            for (String s : new String[]{AAD_LAYOUT, entry.getTenantId(), entry.getResourceType().name(),
                    entry.getResourceId(), entry.getId(), keyId}) {
                byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
                out.writeInt(utf8.length);
                out.write(utf8);
            }
            out.writeLong(entry.getHlc());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
