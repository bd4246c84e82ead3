package dev.maia.producer;

import dev.maia.control.position.PositionsView;

import java.util.Map;
import java.util.Set;

/** What a semi-sync or sync write waits on: which replica regions have applied it ({@link PositionsView#await}). */
@FunctionalInterface
interface AppliedPositions {

    /**
     * Waits until at least {@code needed} of {@code regions} have applied every given (partition, offset)
     * of {@code origin}'s log of {@code tenant}, or the time is up. Answers the regions that have.
     */
    Set<String> await(Set<String> regions, int needed, String origin, String tenant, Map<Integer, Long> offsets,
                      long timeoutMs) throws InterruptedException;
}
