package dev.maia.cli.verify;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** How verdicts are shown: a table for people, JSON for scripts; {@code maia verify} and the demo share both. */
public final class VerifyReport {
    private static final int VECTOR_WIDTH = 34;
    private static final int DIGEST_PREFIX = 12;

    private VerifyReport() {
    }

    public static boolean allEqual(List<TenantVerdict> verdicts) {
        return verdicts.stream().allMatch(TenantVerdict::equal);
    }

    public static void printTable(PrintStream out, List<TenantVerdict> verdicts) {
        String format = "%-20s %-11s %-" + VECTOR_WIDTH + "s %9s  %-" + DIGEST_PREFIX + "s  %s%n";
        out.printf(format, "TENANT", "REGION", "VECTOR", "RESOURCES", "DIGEST", "VERDICT");
        for (TenantVerdict v : verdicts) {
            String verdict = v.equal() ? "equal" : "NOT EQUAL: " + v.reason();
            for (RegionDigest r : v.regions()) {
                if (r.answered()) {
                    out.printf(format, v.tenant(), r.region(), summary(r.positions()), r.resources(),
                            r.digest().substring(0, DIGEST_PREFIX), verdict);
                } else {
                    out.printf(format, v.tenant(), r.region(), "-", "-", "-", verdict + " (" + r.problem() + ": " + r.detail() + ")");
                }
            }
        }
        long unequal = verdicts.stream().filter(v -> !v.equal()).count();
        out.println(verdicts.isEmpty() ? "verify: no tenants with placements"
                : unequal == 0 ? "verify: all " + verdicts.size() + " tenant(s) equal in every region that holds them"
                : "verify: " + unequal + " of " + verdicts.size() + " tenant(s) NOT equal");
    }

    /** {@code origin/partition=offset ...}, cut to the column: enough to see two vectors differ. */
    private static String summary(Map<String, Long> vector) {
        String all = vector.isEmpty() ? "(nothing applied)" : vector.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "));
        return all.length() <= VECTOR_WIDTH ? all : all.substring(0, VECTOR_WIDTH - 3) + "...";
    }

    /** Per tenant: holders, equal, reason, the common vector, and every holder's answer. */
    public static List<Map<String, Object>> toJson(List<TenantVerdict> verdicts) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (TenantVerdict v : verdicts) {
            Map<String, Object> tenant = new LinkedHashMap<>();
            tenant.put("tenant", v.tenant());
            tenant.put("holders", v.holders());
            tenant.put("equal", v.equal());
            tenant.put("reason", v.reason());
            tenant.put("vector", v.vector());
            Map<String, Object> regions = new LinkedHashMap<>();
            for (RegionDigest r : v.regions()) {
                Map<String, Object> region = new LinkedHashMap<>();
                if (r.answered()) {
                    region.put("positions", r.positions());
                    region.put("resources", r.resources());
                    region.put("digest", r.digest());
                } else {
                    region.put("error", r.problem());
                    region.put("detail", r.detail());
                }
                regions.put(r.region(), region);
            }
            tenant.put("regions", regions);
            out.add(tenant);
        }
        return out;
    }
}
