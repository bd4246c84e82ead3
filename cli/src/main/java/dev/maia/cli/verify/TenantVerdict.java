package dev.maia.cli.verify;

import java.util.List;
import java.util.Map;

/**
 * Whether the holders of a tenant hold the same state: equal only when every holder answered, all at one
 * position vector, with one digest. Otherwise {@code reason} says what was last seen:
 * {@code unreachable}, {@code state_moving}, {@code error}, {@code positions_differ}, {@code behind_origin}
 * (one vector, but not yet covering the tenant's logs) or {@code digests_differ}.
 */
public record TenantVerdict(String tenant, List<String> holders, List<RegionDigest> regions, boolean equal, String reason) {
    public static final String POSITIONS_DIFFER = "positions_differ";
    public static final String DIGESTS_DIFFER = "digests_differ";
    public static final String BEHIND_ORIGIN = "behind_origin";

    static TenantVerdict of(String tenant, List<String> holders, List<RegionDigest> regions) {
        for (RegionDigest r : regions) {
            if (!r.answered()) {
                return new TenantVerdict(tenant, holders, regions, false, r.problem());
            }
        }
        if (regions.stream().map(RegionDigest::positions).distinct().count() > 1) {
            return new TenantVerdict(tenant, holders, regions, false, POSITIONS_DIFFER);
        }
        boolean same = regions.stream().map(RegionDigest::digest).distinct().count() <= 1;
        return new TenantVerdict(tenant, holders, regions, same, same ? null : DIGESTS_DIFFER);
    }

    /** The same answers, not yet counted equal: the holders' shared vector does not cover the logs yet. */
    TenantVerdict behindOrigin() {
        return new TenantVerdict(tenant, holders, regions, false, BEHIND_ORIGIN);
    }

    /**
     * Whether asking again could change the verdict. Different digests at one vector are final: the
     * states differ, however long one waits.
     */
    boolean settled() {
        return equal || DIGESTS_DIFFER.equals(reason);
    }

    /** The vector every holder is at, or null if they are not at one. */
    public Map<String, Long> vector() {
        return settled() && !regions.isEmpty() ? regions.get(0).positions() : null;
    }
}
