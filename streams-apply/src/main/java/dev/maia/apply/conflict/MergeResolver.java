package dev.maia.apply.conflict;

import dev.maia.schemas.avro.Memory;
import dev.maia.schemas.avro.Operation;
import dev.maia.schemas.avro.Relation;
import dev.maia.schemas.avro.ResourceType;
import dev.maia.schemas.avro.WALEntry;

import java.util.ArrayList;
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
 * <p>The stored entry of the merge is built by {@link Resolution}, as for every strategy.
 */
public final class MergeResolver implements ConflictResolver {

    @Override
    public WALEntry resolve(List<Version> siblings) {
        WALEntry greatest = siblings.get(siblings.size() - 1).entry();
        if (greatest.getOperation() == Operation.DELETE || greatest.getResourceType() != ResourceType.memory) {
            return greatest;
        }
        List<Version> live = siblings.stream().filter(v -> v.entry().getOperation() != Operation.DELETE).toList();
        if (live.size() == 1) {
            return greatest;
        }
        Memory merged = merge(live.stream().map(v -> (Memory) v.entry().getData()).toList());
        return WALEntry.newBuilder(greatest).setOperation(Operation.UPDATE).setNamespace(merged.getNamespace()).setData(merged).build();
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
}
