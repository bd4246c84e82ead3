package dev.maia.containers.faults;

import java.util.List;
import java.util.Set;

/**
 * Which lost acknowledged writes the invariants allow: none of a sync or semi-sync tenant (acknowledged only once
 * replicas held it); of an async one, a write the conflict feed names (resolved away by the tenant's strategy) or
 * one acknowledged within the replication lag reported when a fault began (it may not have left its region).
 */
public final class LossRule {

    /** Slack on the reported lag: the gauge is sampled, and the fault's start is the nemesis's clock. */
    static final long LAG_SLACK_MS = 2000;

    private LossRule() {
    }

    public static boolean excused(Op write, FaultTenant t, Set<String> conflicted, List<FaultEvent> faults) {
        if (t.lossless()) {
            return false;
        }
        return conflicted.contains(write.id()) || withinLagOfAFault(write, t, faults);
    }

    /** Acknowledged between (a fault's start minus the lag its tenant's regions reported then) and its heal. */
    static boolean withinLagOfAFault(Op write, FaultTenant t, List<FaultEvent> faults) {
        for (FaultEvent f : faults) {
            long lagMs = (long) (f.lagAtStartSeconds().getOrDefault(t.id(), 0.0) * 1000) + LAG_SLACK_MS;
            if (write.endMs() <= f.healedMs() && write.endMs() >= f.injectedMs() - lagMs) {
                return true;
            }
        }
        return false;
    }
}
