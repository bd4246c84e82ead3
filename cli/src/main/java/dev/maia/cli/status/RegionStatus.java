package dev.maia.cli.status;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One region as {@code maia status} saw it: its {@code /health}, two gauges of its metrics, the leases it
 * sees, and optionally one tenant's placement as it knows it. A part the region does not serve (an older
 * version without leases) is null and shown as "-", never as a failure.
 */
record RegionStatus(String region, boolean reachable, String status, String apply, String error, String control,
                    Double storeUsedRatio, Double dlqRecords, List<Lease> leases, List<String> failoverBlocked,
                    JsonNode placement, String problem) {

    /** A lease as this region sees it ({@code GET /admin/leases}). */
    record Lease(String region, boolean valid, long renewedMsAgo) {
    }

    static RegionStatus unreachable(String region, String problem) {
        return new RegionStatus(region, false, "unreachable", null, null, null, null, null, null, null, null, problem);
    }

    /** Whether nothing here needs a person: it answers, applies, reaches the control quorum, no failover is blocked. */
    boolean ok() {
        return reachable && "ok".equals(status) && "ok".equals(control)
                && (failoverBlocked == null || failoverBlocked.isEmpty());
    }

    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("region", region);
        m.put("ok", ok());
        m.put("reachable", reachable);
        m.put("status", status);
        m.put("apply", apply);
        m.put("error", error);
        m.put("control", control);
        m.put("store_used_ratio", storeUsedRatio);
        m.put("dlq_records", dlqRecords);
        m.put("leases", leases == null ? null : leases.stream().map(l -> {
            Map<String, Object> lease = new LinkedHashMap<>();
            lease.put("region", l.region());
            lease.put("valid", l.valid());
            lease.put("renewed_ms_ago", l.renewedMsAgo());
            return lease;
        }).toList());
        m.put("failover_blocked", failoverBlocked);
        m.put("placement", placement);
        m.put("problem", problem);
        return m;
    }
}
