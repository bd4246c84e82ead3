package dev.maia.containers.faults;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A tenant the suite creates for itself (POST /admin/tenants with its placement, then a key), so that its
 * writes are only the suite's and its checks do not depend on the demo tenants.
 */
public record FaultTenant(String id, String mode, String syncMode, String primary, List<String> replicas, String key) {

    /** One tenant per sync mode, replicated and global, their primaries spread over the regions (suffix: unique per run). */
    public static List<FaultTenant> plan(String suffix) {
        return List.of(
                new FaultTenant("f-sync-" + suffix, "replicated", "sync", "us-west", List.of("eu-central"), null),
                new FaultTenant("f-semi-" + suffix, "replicated", "semi-sync", "eu-central", List.of("us-west", "ap-tokyo"), null),
                new FaultTenant("f-async-" + suffix, "replicated", "async", "ap-tokyo", List.of("us-west"), null),
                new FaultTenant("f-global-" + suffix, "global", "async", "us-west", List.of("eu-central", "ap-tokyo"), null));
    }

    public FaultTenant withKey(String issued) {
        return new FaultTenant(id, mode, syncMode, primary, replicas, issued);
    }

    /** Every region that must hold the tenant's writes: the primary and its replicas. */
    public List<String> holders() {
        List<String> all = new ArrayList<>(List.of(primary));
        all.addAll(replicas);
        return all;
    }

    /** sync and semi-sync: a write is acknowledged only once replicas hold it, so none may be lost. */
    public boolean lossless() {
        return !syncMode.equals("async");
    }

    /** The admin API's create body. */
    public Map<String, Object> createBody() {
        Map<String, Object> placement = new LinkedHashMap<>();
        placement.put("mode", mode);
        placement.put("primary_region", primary);
        placement.put("replicas", mode.equals("global") ? List.of() : replicas);
        placement.put("sync_mode", syncMode);
        if (syncMode.equals("semi-sync")) {
            placement.put("min_sync_replicas", 1);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", id);
        body.put("name", "fault suite " + id);
        body.put("placement", placement);
        return body;
    }
}
