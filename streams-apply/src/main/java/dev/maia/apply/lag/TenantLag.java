package dev.maia.apply.lag;

/** One row of the lag table: how far one region is behind one origin's log of one tenant. */
public record TenantLag(String region, String tenant, String origin, String primary, ReplicationLag.Summary lag,
                        String error) {

    public String status(double maxLagSeconds) {
        if (error != null) {
            return "unknown";
        }
        if (lag.recordsBehind() == 0) {
            return "caught-up";
        }
        return lag.secondsBehind() > maxLagSeconds ? "behind" : "catching-up";
    }
}
