package dev.maia.cli.verify;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maia.cli.MaiaClient;
import dev.maia.schemas.avro.Placement;
import dev.maia.schemas.placement.Placements;
import dev.maia.schemas.topology.RegionSpec;
import dev.maia.schemas.topology.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/** Every tenant's placement, from every region's {@code GET /admin/placements}, merged by the placement order. */
public final class RegionPlacements {
    private static final Logger log = LoggerFactory.getLogger(RegionPlacements.class);

    private RegionPlacements() {
    }

    /** Tenant to winning placement, sorted by tenant; fails only if no region answered. */
    public static Map<String, Placement> fetch(Topology topology, MaiaClient client) throws InterruptedException {
        Map<String, Placement> merged = new TreeMap<>();
        int answered = 0;
        for (RegionSpec region : topology.regions()) {
            try {
                MaiaClient.Reply reply = client.send("GET", region.endpoint() + "/admin/placements", topology.adminKey(), null);
                if (reply.status() != 200) {
                    log.warn("{} answered {} to GET /admin/placements: {}", region.name(), reply.status(), reply.body());
                    continue;
                }
                answered++;
                for (JsonNode json : reply.body().path("placements")) {
                    Placement p = Placements.fromJson(json);
                    merged.merge(p.getTenantId(), p, (a, b) -> Placements.supersedes(b, a) ? b : a);
                }
            } catch (IOException e) {
                // An unreachable region contributes nothing: every placement is mirrored to the others too.
                log.warn("{} is unreachable for placements: {}", region.name(), e.toString());
            }
        }
        if (answered == 0) {
            throw new IllegalStateException("no region answered GET /admin/placements");
        }
        return merged;
    }
}
