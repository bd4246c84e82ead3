package dev.maia.apply.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * A fingerprint of one tenant's state in a region: SHA-256 over its winning entries (tombstones
 * included, so a delete that one region missed shows), in the order of resource type, then id. Each
 * entry contributes {@code "<type>/<id>\n"} and the SHA-256 of its encoded bytes.
 *
 * <p>The encoded bytes, not just id and checksum: the store keeps each entry exactly as it came off the
 * log, and MirrorMaker copies records byte for byte, so the same winner is the same bytes in every
 * region whatever its codec. Hashing them proves that, where id plus a 32-bit CRC would only suggest it.
 */
public record StateDigest(long resources, String digest) {

    public static StateDigest of(ReplicaStore store, String tenantId) {
        // Chronicle iterates in no stable order; sort by key, keeping only each entry's hash in memory.
        Map<String, byte[]> entryHashes = new TreeMap<>();
        store.forEachEntry(tenantId, (type, id, bytes) -> entryHashes.put(type.name() + "/" + id, sha256().digest(bytes)));
        MessageDigest all = sha256();
        entryHashes.forEach((key, hash) -> {
            all.update((key + "\n").getBytes(StandardCharsets.UTF_8));
            all.update(hash);
        });
        return new StateDigest(entryHashes.size(), HexFormat.of().formatHex(all.digest()));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
