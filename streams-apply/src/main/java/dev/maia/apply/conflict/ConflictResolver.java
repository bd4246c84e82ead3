package dev.maia.apply.conflict;

import java.util.List;

/**
 * Turns a set of concurrent versions of one resource (writes of which neither had seen the other) into
 * the one state a region stores. It must be a function of the set alone, so that every region stores
 * the same bytes whatever order the versions arrived in.
 */
public interface ConflictResolver {

    /** @param siblings two or more versions, sorted by the ordering rule (the last is the greatest) */
    Version resolve(List<Version> siblings);
}
