package dev.maia.control.placement;

import dev.maia.schemas.avro.Placement;
import dev.maia.schemas.placement.Placements;
import dev.maia.schemas.topology.RegionSpec;
import dev.maia.schemas.topology.Topology;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every tenant's placement as a tool outside the regions sees it ({@code maia lag}, {@code maia verify}):
 * each region's {@code maia.placement} and the copies it holds, read once to their end and merged by
 * {@link Placements#supersedes}, the rule every {@link PlacementView} applies.
 */
public final class DeploymentPlacements {
    /** The winning placement per tenant (sorted by tenant), and the regions whose cluster could not be read. */
    public record Snapshot(Map<String, Placement> byTenant, List<String> unreadable) {
    }

    private DeploymentPlacements() {
    }

    /**
     * Reads every region's view. An unreachable region contributes nothing and is named in
     * {@link Snapshot#unreadable}: every placement is mirrored to the others too.
     */
    public static Snapshot read(Topology topology, String reader, Duration timeout) throws InterruptedException {
        Map<String, Placement> merged = new TreeMap<>();
        List<String> unreadable = new ArrayList<>();
        for (RegionSpec r : topology.regions()) {
            try (PlacementView view = new PlacementView(r.bootstrapServers(), r.name() + "-" + reader)) {
                view.start(timeout);
                view.all().values().forEach(p -> merged.merge(p.getTenantId(), p,
                        (a, b) -> Placements.supersedes(b, a) ? b : a));
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                unreadable.add(r.name());
            }
        }
        return new Snapshot(merged, unreadable);
    }
}
