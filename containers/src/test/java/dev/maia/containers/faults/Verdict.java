package dev.maia.containers.faults;

import java.util.List;
import java.util.Map;

/**
 * What the checker found after the faults were healed and the regions converged.
 *
 * @param byMode         figures per sync mode (async, semi-sync, sync)
 * @param lostWrites     every acknowledged write missing or changed in a holder: {@code tenant/id in region (mode)}
 * @param verifyEqual    {@code maia verify --json}'s {@code equal}: every tenant's holders hold the same state
 * @param verifyOutput   its output, for the failure message
 * @param epochSplits    {@code tenant epoch N: [regions]} for every epoch in which more than one region accepted writes
 * @param epochsSeen     per tenant, each placement epoch its accepted entries carry and the regions that accepted them
 * @param resumedAfterMs per fault and tenant whose primary it hit: ms from the fault's start to the next write
 *                       acknowledged (absent: none until the run ended)
 * @param failoverMs     per fault and tenant: ms from the fault's start to the first write acknowledged by a region
 *                       other than the tenant's primary (absent: no failover happened)
 */
public record Verdict(Map<String, ModeFigures> byMode, List<String> lostWrites, boolean verifyEqual, String verifyOutput,
                      List<String> epochSplits, Map<String, Map<Long, List<String>>> epochsSeen,
                      Map<String, Long> resumedAfterMs, Map<String, Long> failoverMs) {

    public long unexcusedLosses() {
        return byMode.values().stream().mapToLong(ModeFigures::unexcused).sum();
    }
}
