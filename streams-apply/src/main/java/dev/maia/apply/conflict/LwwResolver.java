package dev.maia.apply.conflict;

import java.util.List;

/** Last-write-wins: the version the ordering rule puts last stands, byte for byte. */
public final class LwwResolver implements ConflictResolver {

    @Override
    public Version resolve(List<Version> siblings) {
        return siblings.get(siblings.size() - 1);
    }
}
