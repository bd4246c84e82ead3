package dev.maia.cli;

import dev.maia.apply.lag.LagProbe;
import dev.maia.apply.lag.TenantLag;
import dev.maia.schemas.avro.Placement;
import dev.maia.schemas.avro.Position;
import dev.maia.schemas.http.Json;
import dev.maia.control.placement.DeploymentPlacements;
import dev.maia.schemas.placement.Placements;
import dev.maia.control.position.PositionsReader;
import dev.maia.schemas.position.PositionKey;
import dev.maia.schemas.topology.RegionSpec;
import dev.maia.schemas.topology.Topology;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * {@code maia lag}: how far every region is behind every tenant's log, split into the MirrorMaker part
 * and the apply part, from the same {@link LagProbe} the services' metrics use.
 */
@Command(name = "lag", mixinStandardHelpOptions = true,
        description = "Replication lag per region and tenant: records and seconds behind.")
final class LagCommand implements Callable<Integer> {
    @Option(names = "--topology", required = true, description = "topology YAML (e.g. from ./maia demo --topology-out)")
    Path topologyFile;

    @Option(names = "--watch", description = "refresh in place until Ctrl-C")
    boolean watch;

    @Option(names = "--interval", defaultValue = "2", description = "seconds between refreshes with --watch (default: ${DEFAULT-VALUE})")
    int intervalSeconds;

    @Option(names = "--json", description = "print the rows as JSON")
    boolean json;

    @Option(names = "--region", description = "only this region")
    String onlyRegion;

    @Option(names = "--tenant", description = "only this tenant")
    String onlyTenant;

    @Option(names = "--max-lag-seconds", description = "exit 2 when any tenant is more than S seconds behind (or its lag is unknown)")
    Double maxLagSeconds;

    @Override
    public Integer call() throws Exception {
        Topology topology = Topology.load(topologyFile);
        if (onlyRegion != null) {
            topology.requireRegion(onlyRegion);
        }
        if (intervalSeconds < 1) {
            throw new IllegalArgumentException("--interval must be at least 1 second");
        }
        PrintStream out = System.out;
        try (LagProbe probe = new LagProbe(topology, topology.requireKafkaSecurity())) {
            while (true) {
                List<TenantLag> rows = measure(topology, probe);
                if (watch && !json) {
                    out.print("\033[H\033[2J");
                }
                if (json) {
                    out.println(Json.write(toJson(rows)));
                } else {
                    print(out, rows);
                }
                out.flush();
                if (!watch) {
                    return overThreshold(rows) ? 2 : 0;
                }
                Thread.sleep(Duration.ofSeconds(intervalSeconds).toMillis());
            }
        }
    }

    private List<TenantLag> measure(Topology topology, LagProbe probe) throws Exception {
        Map<String, Placement> placements = DeploymentPlacements.read(topology, "lag-cli", Duration.ofSeconds(15));
        List<TenantLag> rows = new ArrayList<>();
        for (RegionSpec region : topology.regions()) {
            if (onlyRegion != null && !onlyRegion.equals(region.name())) {
                continue;
            }
            Map<PositionKey, Long> applied = new HashMap<>();
            try {
                for (Position p : PositionsReader.readAll(region.bootstrapServers(), topology.requireKafkaSecurity()).values()) {
                    if (p.getRegion().equals(region.name())) {
                        applied.put(new PositionKey(p.getOriginRegion(), p.getTenantId(), p.getPartition()), p.getOffset());
                    }
                }
            } catch (RuntimeException e) {
                // Unreachable region: its rows come out as unknown below.
            }
            Map<String, Placement> wanted = onlyTenant == null ? placements
                    : placements.entrySet().stream().filter(e -> e.getKey().equals(onlyTenant))
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
            rows.addAll(probe.probe(region.name(), wanted,
                    (origin, tenant, partition) -> applied.getOrDefault(new PositionKey(origin, tenant, partition), -1L)));
        }
        return rows;
    }

    private boolean overThreshold(List<TenantLag> rows) {
        return maxLagSeconds != null && rows.stream()
                .anyMatch(r -> r.error() != null || r.lag().secondsBehind() > maxLagSeconds);
    }

    private void print(PrintStream out, List<TenantLag> rows) {
        double threshold = maxLagSeconds == null ? 30 : maxLagSeconds;
        out.printf("%-11s %-20s %-11s %-11s %9s %9s %9s %9s  %s%n",
                "REGION", "TENANT", "ORIGIN", "PRIMARY", "MM2_LAG", "APPLY_LAG", "BEHIND", "SECONDS", "STATUS");
        for (TenantLag r : rows) {
            out.printf("%-11s %-20s %-11s %-11s %9d %9d %9d %9.1f  %s%n", r.region(), r.tenant(), r.origin(), r.primary(),
                    r.lag().mirrorRecords(), r.lag().applyRecords(), r.lag().recordsBehind(), r.lag().secondsBehind(),
                    r.status(threshold) + (r.error() == null ? "" : " (" + r.error() + ")"));
        }
        if (rows.isEmpty()) {
            out.println("(no tenants with placements)");
        }
    }

    private static List<Map<String, Object>> toJson(List<TenantLag> rows) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (TenantLag r : rows) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("region", r.region());
            m.put("tenant", r.tenant());
            m.put("origin_region", r.origin());
            m.put("primary_region", r.primary());
            m.put("mm2_lag_records", r.lag().mirrorRecords());
            m.put("apply_lag_records", r.lag().applyRecords());
            m.put("records_behind", r.lag().recordsBehind());
            m.put("seconds_behind", r.lag().secondsBehind());
            m.put("status", r.status(Double.MAX_VALUE));
            m.put("error", r.error());
            out.add(m);
        }
        return out;
    }
}
