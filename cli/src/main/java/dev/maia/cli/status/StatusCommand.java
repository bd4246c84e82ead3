package dev.maia.cli.status;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maia.cli.MaiaClient;
import dev.maia.schemas.http.Json;
import dev.maia.schemas.topology.RegionSpec;
import dev.maia.schemas.topology.Topology;
import dev.maia.schemas.wal.WalTopics;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * {@code maia status}: one row per region, from what each region says of itself (its {@code /health},
 * store fill and DLQ size from its metrics, the leases it sees) - the first command of every runbook.
 * Exit 0 when every region answers, applies, reaches the control quorum and blocks no failover; 1 when
 * one does not (the rows say which); 2 on usage errors.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Every region's health in one table: apply state, control quorum, store fill, DLQ size, "
                + "leases and blocked failovers; with --tenant, that tenant's placement as each region knows it.",
                "Exit 0 when every region is ok, 1 when one is not."})
public final class StatusCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--topology", required = true, description = "topology YAML (e.g. from ./maia demo --topology-out)")
    Path topologyFile;

    @Option(names = "--region", description = "only this region")
    String onlyRegion;

    @Option(names = "--tenant", description = "also show this tenant's placement (primary, epoch, failover) per region")
    String tenant;

    @Option(names = "--json", description = "print the rows as JSON")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (tenant != null && !WalTopics.isValidTenantId(tenant)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--tenant must match [a-zA-Z0-9_-]{1,64}");
        }
        Topology topology = Topology.load(topologyFile);
        if (onlyRegion != null && topology.region(onlyRegion).isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--region: '" + onlyRegion + "' is not a region of the topology " + topology.regionNames());
        }
        RegionStatusProbe probe = new RegionStatusProbe(new MaiaClient(), topology.adminKey());
        List<RegionStatus> rows = new ArrayList<>();
        for (RegionSpec region : topology.regions()) {
            if (onlyRegion == null || onlyRegion.equals(region.name())) {
                rows.add(probe.probe(region, tenant));
            }
        }
        boolean ok = rows.stream().allMatch(RegionStatus::ok);
        PrintStream out = System.out;
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("ok", ok);
            doc.put("regions", rows.stream().map(RegionStatus::toJson).toList());
            out.println(Json.write(doc));
        } else {
            print(out, rows, ok);
        }
        out.flush();
        return ok ? 0 : 1;
    }

    private void print(PrintStream out, List<RegionStatus> rows, boolean ok) {
        String format = "%-11s %-11s %-12s %-9s %6s %6s %-14s %-10s" + (tenant == null ? "" : " %-11s %5s") + "  %s%n";
        List<Object> header = new ArrayList<>(List.of("REGION", "HEALTH", "APPLY", "CONTROL", "STORE", "DLQ", "LEASES", "BLOCKED"));
        if (tenant != null) {
            header.addAll(List.of("PRIMARY", "EPOCH"));
        }
        header.add("NOTE");
        out.printf(format, header.toArray());
        for (RegionStatus r : rows) {
            List<Object> cells = new ArrayList<>(List.of(r.region(), r.status(), dash(r.apply()), dash(r.control()),
                    r.storeUsedRatio() == null ? "-" : String.format("%.0f%%", 100 * r.storeUsedRatio()),
                    r.dlqRecords() == null ? "-" : String.format("%.0f", r.dlqRecords()), leases(r),
                    r.failoverBlocked() == null ? "-" : r.failoverBlocked().isEmpty() ? "none" : String.join(",", r.failoverBlocked())));
            if (tenant != null) {
                JsonNode p = r.placement();
                cells.add(p == null ? "-" : p.path("primary_region").asText("-"));
                cells.add(p == null ? "-" : p.path("epoch").asText("-"));
            }
            cells.add(note(r));
            out.printf(format, cells.toArray());
        }
        out.println(ok ? "status: every region ok" : "status: " + rows.stream().filter(r -> !r.ok()).count()
                + " of " + rows.size() + " region(s) NOT ok");
    }

    /** "valid/seen" and the regions whose lease lapsed, as this region sees them. */
    private static String leases(RegionStatus r) {
        if (r.leases() == null) {
            return "-";
        }
        long valid = r.leases().stream().filter(RegionStatus.Lease::valid).count();
        String lapsed = r.leases().stream().filter(l -> !l.valid()).map(RegionStatus.Lease::region).collect(Collectors.joining(","));
        return valid + "/" + r.leases().size() + (lapsed.isEmpty() ? "" : " -" + lapsed);
    }

    private String note(RegionStatus r) {
        if (!r.reachable()) {
            return r.problem();
        }
        List<String> notes = new ArrayList<>();
        if (r.error() != null && !r.error().isEmpty()) {
            notes.add("apply stopped: " + r.error());
        }
        if (!"ok".equals(r.control())) {
            notes.add("no control quorum: placements cannot change");
        }
        if (tenant != null && r.placement() != null && r.placement().has("failover")) {
            JsonNode f = r.placement().get("failover");
            notes.add("failed over from " + f.path("from_region").asText() + (f.path("forced").asBoolean() ? " (forced)" : ""));
        }
        if (tenant != null && r.placement() != null && r.placement().has("migration")) {
            notes.add("migrating");
        }
        return String.join("; ", notes);
    }

    private static String dash(String s) {
        return s == null || s.isEmpty() ? "-" : s;
    }
}
