package dev.maia.producer;

import dev.maia.control.position.PositionsView;
import dev.maia.schemas.wal.PositionToken;

import java.util.Collection;
import java.util.Set;

/** What a semi-sync or sync write waits on: which replica regions have applied it ({@link PositionsView#await}). */
@FunctionalInterface
interface AppliedPositions {

    /**
     * Waits until at least {@code needed} of {@code regions} have applied every written entry of
     * {@code origin}'s log of {@code tenant} (none of them dead-lettered there), or the time is up.
     * Answers the regions that have.
     */
    Set<String> await(Set<String> regions, int needed, String origin, String tenant, Collection<PositionToken> written,
                      long timeoutMs) throws InterruptedException;
}
