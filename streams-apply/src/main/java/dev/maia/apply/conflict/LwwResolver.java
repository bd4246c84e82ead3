package dev.maia.apply.conflict;

import dev.maia.schemas.avro.WALEntry;

import java.util.List;

/** Last-write-wins: the version the ordering rule puts last stands, a delete as much as an update. */
public final class LwwResolver implements ConflictResolver {

    @Override
    public WALEntry resolve(List<Version> siblings) {
        return siblings.get(siblings.size() - 1).entry();
    }
}
