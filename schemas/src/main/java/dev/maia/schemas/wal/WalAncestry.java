package dev.maia.schemas.wal;

import dev.maia.schemas.avro.Operation;
import dev.maia.schemas.avro.WALEntry;

import java.util.ArrayList;
import java.util.List;

/**
 * The lineage of a resource's versions: which version a write was built on ({@code based_on}) and the
 * older versions before that ({@code ancestors}), carried in the entry itself so that every region
 * judges two entries alike whatever it has seen so far. Two writes of one resource conflict when
 * neither is in the other's lineage: neither writer had seen the other's write.
 *
 * <p>The lineage is bounded to {@link #DEPTH} ids: an entry arriving more than that many versions late
 * behind a descendant it is an ancestor of looks concurrent (architecture §10).
 */
public final class WalAncestry {
    /** Ids of a lineage, {@code based_on} included. */
    public static final int DEPTH = 8;

    private WalAncestry() {
    }

    /** Stamps {@code entry} as built on {@code builtOn} (null: the create of an id never seen). */
    public static void builtOn(WALEntry entry, WALEntry builtOn) {
        if (builtOn == null) {
            entry.setBasedOn(null);
            entry.setAncestors(new ArrayList<>());
            return;
        }
        entry.setBasedOn(builtOn.getId());
        entry.setAncestors(bounded(lineage(builtOn), DEPTH - 1));
    }

    /** {@code based_on} then {@code ancestors}: nearest first. */
    public static List<String> lineage(WALEntry entry) {
        List<String> out = new ArrayList<>(DEPTH);
        if (entry.getBasedOn() != null) {
            out.add(entry.getBasedOn());
            out.addAll(entry.getAncestors());
        }
        return out;
    }

    /** True when {@code older} is in {@code newer}'s lineage: the writer of {@code newer} had seen it. */
    public static boolean isAncestor(WALEntry older, WALEntry newer) {
        return lineage(newer).contains(older.getId());
    }

    /**
     * Whether the entry says what it was built on. A create without {@code based_on} was built on
     * nothing; an update or delete without it was written before lineage existed, and is resolved by the
     * ordering rule alone, never counted as a conflict.
     */
    public static boolean knowsLineage(WALEntry entry) {
        return entry.getOperation() == Operation.CREATE || entry.getBasedOn() != null;
    }

    public static List<String> bounded(List<String> ids, int max) {
        return new ArrayList<>(ids.size() <= max ? ids : ids.subList(0, max));
    }
}
