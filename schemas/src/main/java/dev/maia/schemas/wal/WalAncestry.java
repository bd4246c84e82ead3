package dev.maia.schemas.wal;

import dev.maia.schemas.avro.Operation;
import dev.maia.schemas.avro.WALEntry;

import java.util.Map;
import java.util.TreeMap;

/**
 * The lineage of a resource's versions, carried in each entry so that every region judges two entries
 * alike whatever it has received so far: {@code based_on}, the version the write was built on, and
 * {@code seen}, per origin region the clock of the latest entry of that origin among all the versions
 * the write descends from. Two writes of one resource conflict when neither is in the other's lineage:
 * neither writer had seen the other's write.
 *
 * <p>{@code seen} is exact because one origin writes a resource in a line: its primary serializes the
 * writes of a resource and builds each on the previous one (store plus its own unapplied writes), so an
 * entry of origin O at or before the latest O-entry a write descends from is one of its ancestors, and an
 * O-entry after it is one the writer had not seen. It is bounded by the number of regions, not by the
 * length of the history: an ancestor arriving any number of versions late is still recognised.
 */
public final class WalAncestry {

    private WalAncestry() {
    }

    /** Stamps {@code entry} as built on {@code builtOn} (null: the create of an id never seen). */
    public static void builtOn(WALEntry entry, WALEntry builtOn) {
        if (builtOn == null) {
            entry.setBasedOn(null);
            entry.setSeen(new TreeMap<>());
            return;
        }
        entry.setBasedOn(builtOn.getId());
        entry.setSeen(seenWith(new TreeMap<>(builtOn.getSeen()), builtOn));
    }

    /**
     * Adds {@code version} (its origin and clock) to a {@code seen} map, keeping the later clock of an
     * origin. Sorted, so that the encoded bytes do not depend on the order entries were added in.
     */
    public static TreeMap<String, Long> seenWith(Map<String, Long> seen, WALEntry version) {
        TreeMap<String, Long> out = new TreeMap<>(seen);
        out.merge(version.getOriginRegion(), version.getHlc(), Math::max);
        return out;
    }

    /** True when {@code older} is in {@code newer}'s lineage: the writer of {@code newer} had seen it. */
    public static boolean isAncestor(WALEntry older, WALEntry newer) {
        if (older.getId().equals(newer.getBasedOn())) {
            return true;
        }
        Long latest = newer.getSeen().get(older.getOriginRegion());
        return latest != null && older.getHlc() <= latest;
    }

    /**
     * Whether the entry says what it was built on. A create without {@code based_on} was built on
     * nothing; an update or delete without it was written before lineage existed, and is resolved by the
     * ordering rule alone, never counted as a conflict.
     */
    public static boolean knowsLineage(WALEntry entry) {
        return entry.getOperation() == Operation.CREATE || entry.getBasedOn() != null;
    }
}
