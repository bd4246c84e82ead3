package dev.maia.cli.status;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maia.cli.MaiaClient;
import dev.maia.schemas.topology.RegionSpec;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * Asks one region what {@code maia status} shows, over its HTTP API only (so it works wherever the admin
 * API is reachable, with nothing but the topology file): {@code /health}, {@code /metrics} with the admin
 * key for the store's fill and the DLQ's size, {@code /admin/leases}, and a tenant's placement.
 */
final class RegionStatusProbe {
    private final MaiaClient client;
    private final String adminKey;

    RegionStatusProbe(MaiaClient client, String adminKey) {
        this.client = client;
        this.adminKey = adminKey;
    }

    RegionStatus probe(RegionSpec region, String tenant) throws InterruptedException {
        if (region.endpoint() == null) {
            return RegionStatus.unreachable(region.name(), "the topology gives no endpoint");
        }
        String base = region.endpoint();
        JsonNode health;
        try {
            // 503 with a body when applying stopped: still an answer to show.
            health = client.send("GET", base + "/health", null, null).body();
        } catch (IOException e) {
            return RegionStatus.unreachable(region.name(), e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
        if (health == null) {
            return RegionStatus.unreachable(region.name(), "/health answered no body");
        }
        String metrics = metrics(base);
        return new RegionStatus(region.name(), true, health.path("status").asText(), health.path("apply").asText(),
                health.path("error").asText(), health.at("/control/status").asText(),
                gauge(metrics, "maia_store_used_ratio"), gauge(metrics, "maia_dlq_records"), leases(base),
                blocked(health), tenant == null ? null : placement(base, tenant), null);
    }

    private String metrics(String base) throws InterruptedException {
        try {
            HttpResponse<String> r = client.raw("GET", base + "/metrics", adminKey, null);
            return r.statusCode() == 200 ? r.body() : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** The first sample of a gauge in Prometheus text (each is one series per region), or null. */
    static Double gauge(String metrics, String name) {
        for (String line : metrics.split("\n")) {
            if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
                String[] parts = line.trim().split("\\s+");
                try {
                    return Double.parseDouble(parts[parts.length - 1]);
                } catch (NumberFormatException e) {
                    return null;
                }
            }
        }
        return null;
    }

    /** Null when the region serves no leases (before the failover core) or refuses the key. */
    private List<RegionStatus.Lease> leases(String base) throws InterruptedException {
        try {
            MaiaClient.Reply r = client.send("GET", base + "/admin/leases", adminKey, null);
            if (r.status() != 200 || r.body() == null || !r.body().has("leases")) {
                return null;
            }
            List<RegionStatus.Lease> leases = new ArrayList<>();
            r.body().get("leases").forEach(l -> leases.add(new RegionStatus.Lease(l.path("region").asText(),
                    l.path("valid").asBoolean(), l.path("renewed_ms_ago").asLong(-1))));
            return leases;
        } catch (IOException e) {
            return null;
        }
    }

    /** {@code failover.blocked} of /health: the tenants that cannot fail over without losing writes; null if absent. */
    private static List<String> blocked(JsonNode health) {
        JsonNode blocked = health.at("/failover/blocked");
        if (!blocked.isArray()) {
            return null;
        }
        List<String> tenants = new ArrayList<>();
        blocked.forEach(b -> tenants.add(b.isTextual() ? b.asText() : b.path("tenant").asText(b.toString())));
        return tenants;
    }

    private JsonNode placement(String base, String tenant) throws InterruptedException {
        try {
            MaiaClient.Reply r = client.send("GET", base + "/admin/tenants/" + tenant + "/placement", adminKey, null);
            return r.status() == 200 ? r.body() : null;
        } catch (IOException e) {
            return null;
        }
    }
}
