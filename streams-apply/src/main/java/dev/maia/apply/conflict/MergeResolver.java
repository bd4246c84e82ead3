package dev.maia.apply.conflict;

import dev.maia.schemas.avro.ConflictStrategy;
import dev.maia.schemas.avro.Memory;
import dev.maia.schemas.avro.Operation;
import dev.maia.schemas.avro.Relation;
import dev.maia.schemas.avro.ResourceType;
import dev.maia.schemas.avro.WALEntry;
import dev.maia.schemas.wal.WalAncestry;
import dev.maia.schemas.wal.WalCodec;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The RFD's merge, for memories: tags and relations are unioned, metadata is merged key by key, and
 * every scalar field (content, type, embedding, confidence, source, namespace, times) comes from the
 * version the ordering rule puts last. A key or relation present in several versions takes the value
 * of the greatest of them that has it.
 *
 * <p>It folds over the whole set of concurrent versions, sorted by the ordering rule, never pairwise
 * over what arrived so far: a pairwise merge stamped with the winner's order is not associative, so two
 * regions receiving three versions in different orders would store different bytes.
 *
 * <p>Deletes: the ordering rule decides. When the greatest version is a delete, the resource is deleted
 * (that tombstone stands). Otherwise deletes that ordered before a concurrent update are left out and
 * the live versions are merged: an update nobody had seen the delete of revives the memory. Namespaces
 * are not merged: the greatest version stands, as under lww.
 *
 * <p>The merged entry exists only in stores, never in a log; it is the same bytes in every region: its
 * id is derived from the versions' ids (a ULID with the greatest's time part), its epoch, clock, time
 * and origin are the greatest's, and its lineage names every version it merges, so that a write built
 * on it supersedes them all.
 */
public final class MergeResolver implements ConflictResolver {
    private static final char[] CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();

    private final WalCodec codec;

    public MergeResolver(WalCodec codec) {
        this.codec = codec;
    }

    @Override
    public Version resolve(List<Version> siblings) {
        Version greatest = siblings.get(siblings.size() - 1);
        if (greatest.entry().getOperation() == Operation.DELETE || greatest.entry().getResourceType() != ResourceType.memory) {
            return greatest;
        }
        List<Version> live = siblings.stream().filter(v -> v.entry().getOperation() != Operation.DELETE).toList();
        if (live.size() == 1) {
            return greatest;
        }
        Memory merged = merge(live.stream().map(v -> (Memory) v.entry().getData()).toList());
        WALEntry g = greatest.entry();
        WALEntry entry = WALEntry.newBuilder(g)
                .setId(mergedId(siblings))
                .setOperation(Operation.UPDATE)
                .setNamespace(merged.getNamespace())
                .setData(merged)
                .setBasedOn(g.getId())
                .setAncestors(lineage(siblings))
                .setConflictStrategy(ConflictStrategy.merge)
                .build();
        return new Version(entry, codec.encode(entry));
    }

    /** Memories sorted by the ordering rule, the greatest last. */
    static Memory merge(List<Memory> ordered) {
        Memory greatest = ordered.get(ordered.size() - 1);
        TreeMap<String, String> metadata = new TreeMap<>();
        TreeSet<String> tags = new TreeSet<>();
        TreeMap<String, Relation> relations = new TreeMap<>();
        for (Memory m : ordered) {
            m.getMetadata().forEach((k, v) -> metadata.put(k.toString(), v.toString()));
            m.getTags().forEach(t -> tags.add(t.toString()));
            for (Relation r : m.getRelations()) {
                // The NUL cannot occur in an id or a relation name: the key sorts by target, then relation.
                relations.put(r.getTargetId() + "\u0000" + r.getRelation(), Relation.newBuilder(r).build());
            }
        }
        return Memory.newBuilder(greatest)
                .setMetadata(metadata)
                .setTags(new ArrayList<>(tags))
                .setRelations(new ArrayList<>(relations.values()))
                .setEmbedding(new ArrayList<>(greatest.getEmbedding()))
                .build();
    }

    /** Every merged version, the greatest first (it is {@code based_on}), then their lineages, bounded. */
    private static List<String> lineage(List<Version> siblings) {
        LinkedHashSet<String> ids = new LinkedHashSet<>();
        for (int i = siblings.size() - 2; i >= 0; i--) {
            ids.add(siblings.get(i).id());
        }
        for (int i = siblings.size() - 1; i >= 0; i--) {
            ids.addAll(WalAncestry.lineage(siblings.get(i).entry()));
        }
        return WalAncestry.bounded(new ArrayList<>(ids), WalAncestry.DEPTH - 1);
    }

    /** A ULID: the greatest version's time part, then 80 bits of SHA-256 over the sorted ids of all. */
    static String mergedId(List<Version> siblings) {
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
