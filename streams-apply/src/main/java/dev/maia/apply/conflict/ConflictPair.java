package dev.maia.apply.conflict;

import dev.maia.schemas.avro.ConflictStrategy;
import dev.maia.schemas.avro.WALEntry;
import dev.maia.schemas.wal.WalOrdering;

/**
 * Two versions of one resource of which neither had seen the other, in the order the ordering rule
 * puts them, and the strategy that resolved them. Built the same way from either arrival order.
 * {@code loser} is null only in the report of a failover leftover that created its resource
 * ({@link #alone}): there was no other version.
 */
public record ConflictPair(Version loser, Version winner, ConflictStrategy strategy) {

    public static ConflictPair of(Version a, Version b, ConflictStrategy strategy) {
        return WalOrdering.ORDER.compare(a.entry(), b.entry()) < 0
                ? new ConflictPair(a, b, strategy) : new ConflictPair(b, a, strategy);
    }

    /** A version that replaced nothing (a failover leftover that created its resource). */
    public static ConflictPair alone(Version version, ConflictStrategy strategy) {
        return new ConflictPair(null, version, strategy);
    }

    public WALEntry resource() {
        return winner.entry();
    }
}
