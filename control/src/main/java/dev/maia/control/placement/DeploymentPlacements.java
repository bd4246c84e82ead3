package dev.maia.control.placement;

import dev.maia.schemas.avro.Placement;
import dev.maia.schemas.topology.Topology;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeoutException;

/**
 * Every tenant's placement as a tool outside the regions sees it ({@code maia lag}, {@code maia verify}):
 * the control log, read once to its end by the rule every {@link PlacementView} applies, with the tool's
 * identity ({@code kafka_security} of the topology).
 */
public final class DeploymentPlacements {
    private DeploymentPlacements() {
    }

    /** The placement in effect per tenant, sorted by tenant. */
    public static Map<String, Placement> read(Topology topology, String reader, Duration timeout)
            throws InterruptedException, TimeoutException {
        try (PlacementView view = new PlacementView(topology.requireControl(), topology.requireKafkaSecurity(), reader)) {
            view.start(timeout);
            return new TreeMap<>(view.all());
        }
    }
}
