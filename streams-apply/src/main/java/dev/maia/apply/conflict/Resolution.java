package dev.maia.apply.conflict;

import dev.maia.schemas.avro.ConflictStrategy;
import dev.maia.schemas.avro.WALEntry;
import dev.maia.schemas.wal.WalCodec;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The stored entry of a resource whose state resolves concurrent versions, under any strategy. It exists
 * only in stores, never in a log, and is the same bytes in every region: its id is derived from the
 * versions' ids (a ULID with the greatest's time part), its epoch, clock, time and origin are the
 * greatest's, and its lineage ({@code based_on} the greatest, {@code seen} covering them all) takes in
 * every version it resolves, so that a write built on it (the next
 * write of the primary, which reads it) supersedes them all and ends the conflict. Were the stored
 * state the lww winner's own entry, a write built on it would name only the winner, and the losers would
 * be reported again against every later write.
 */
final class Resolution {
    private static final char[] CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();

    private Resolution() {
    }

    /** @param siblings sorted by the ordering rule; {@code content} is what the strategy resolved them to */
    static Version of(List<Version> siblings, WALEntry content, ConflictStrategy strategy, WalCodec codec) {
        Version greatest = siblings.get(siblings.size() - 1);
        WALEntry entry = WALEntry.newBuilder(greatest.entry())
                .setId(derivedId(siblings))
                .setOperation(content.getOperation())
                .setNamespace(content.getNamespace())
                .setData(content.getData())
                .setBasedOn(greatest.id())
                .setSeen(seen(siblings))
                .setConflictStrategy(strategy)
                .build();
        return new Version(entry, codec.encode(entry));
    }

    /** The lineage of every resolved version, and the versions themselves. */
    private static Map<String, Long> seen(List<Version> siblings) {
        TreeMap<String, Long> seen = new TreeMap<>();
        for (Version v : siblings) {
            v.entry().getSeen().forEach((origin, hlc) -> seen.merge(origin, hlc, Math::max));
            seen.merge(v.entry().getOriginRegion(), v.entry().getHlc(), Math::max);
        }
        return seen;
    }

    /** A ULID: the greatest version's time part, then 80 bits of SHA-256 over the sorted ids of all. */
    static String derivedId(List<Version> siblings) {
        byte[] hash = sha256(String.join(",", new TreeSet<>(siblings.stream().map(Version::id).toList())));
        StringBuilder id = new StringBuilder(siblings.get(siblings.size() - 1).id().substring(0, 10));
        long bits = 0;
        int available = 0;
        int next = 0;
        while (id.length() < 26) {
            if (available < 5) {
                bits = (bits << 8) | (hash[next++] & 0xFF);
                available += 8;
            }
            id.append(CROCKFORD[(int) (bits >>> (available - 5)) & 31]);
            available -= 5;
        }
        return id.toString();
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
