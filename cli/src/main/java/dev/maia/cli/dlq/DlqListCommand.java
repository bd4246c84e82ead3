package dev.maia.cli.dlq;

import dev.maia.schemas.http.Json;
import dev.maia.schemas.topology.RegionSpec;
import dev.maia.schemas.topology.Topology;
import dev.maia.schemas.wal.WalTopics;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code maia dlq list}: the newest dead-lettered entries of a region, with the reason and where each was
 * read, so that an operator can tell a forged or corrupt record from a full quota. Exit 0 when the DLQ was
 * read (empty or not); 1 when it could not be; 2 on usage errors.
 */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "The newest entries of a region's DLQ: tenant, origin, the log, partition and offset it was read at, reason, detail.")
final class DlqListCommand implements Callable<Integer> {
    private static final int DETAIL_WIDTH = 60;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--topology", required = true, description = "topology YAML (e.g. from ./maia demo --topology-out)")
    Path topologyFile;

    @Option(names = "--region", required = true, description = "the region whose DLQ to read")
    String region;

    @Option(names = "--tenant", description = "only this tenant's entries")
    String tenant;

    @Option(names = "--limit", defaultValue = "100", description = "at most this many, the newest (default: ${DEFAULT-VALUE})")
    int limit;

    @Option(names = "--json", description = "print the entries as JSON")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (tenant != null && !WalTopics.isValidTenantId(tenant)) {
            throw usage("--tenant must match [a-zA-Z0-9_-]{1,64}");
        }
        if (limit < 1) {
            throw usage("--limit must be at least 1");
        }
        Topology topology = Topology.load(topologyFile);
        RegionSpec spec = topology.region(region)
                .orElseThrow(() -> usage("--region: '" + region + "' is not a region of the topology " + topology.regionNames()));
        List<DeadLetter> entries = DlqReader.read(region, spec.bootstrapServers(), topology.requireKafkaSecurity(), tenant, limit);
        PrintStream out = System.out;
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("region", region);
            doc.put("tenant", tenant);
            doc.put("entries", entries.stream().map(DeadLetter::toJson).toList());
            out.println(Json.write(doc));
        } else {
            print(out, entries);
        }
        out.flush();
        return 0;
    }

    private void print(PrintStream out, List<DeadLetter> entries) {
        String format = "%-24s %-20s %-11s %-36s %-28s %s%n";
        out.printf(format, "TIME", "TENANT", "ORIGIN", "READ AT (TOPIC-PARTITION@OFFSET)", "REASON", "DETAIL");
        for (DeadLetter d : entries) {
            String detail = d.detail() == null ? "" : d.detail().length() <= DETAIL_WIDTH ? d.detail()
                    : d.detail().substring(0, DETAIL_WIDTH - 3) + "...";
            out.printf(format, Instant.ofEpochMilli(d.timestamp()), d.tenant(), d.originRegion(),
                    d.topic() + "-" + d.partition() + "@" + d.offset(), d.reason(), detail);
        }
        out.println("dlq: " + entries.size() + " entr" + (entries.size() == 1 ? "y" : "ies") + " in " + region
                + (tenant == null ? "" : " for " + tenant) + (entries.size() == limit ? " (the newest " + limit + ")" : ""));
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
