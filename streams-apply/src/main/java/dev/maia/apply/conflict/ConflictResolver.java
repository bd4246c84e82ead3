package dev.maia.apply.conflict;

import dev.maia.schemas.avro.WALEntry;

import java.util.List;

/**
 * What a set of concurrent versions of one resource (writes of which neither had seen the other)
 * resolves to: the content of the state a region stores. It must be a function of the set alone, so
 * that every region stores the same bytes whatever order the versions arrived in.
 * {@link Resolution} turns it into the stored entry.
 */
public interface ConflictResolver {

    /**
     * @param siblings two or more versions, sorted by the ordering rule (the last is the greatest)
     * @return an entry whose operation and data are the resolved state (its other fields are replaced)
     */
    WALEntry resolve(List<Version> siblings);
}
