package dev.maia.cli.verify;

import dev.maia.cli.MaiaClient;
import dev.maia.schemas.avro.Placement;
import dev.maia.schemas.http.Json;
import dev.maia.schemas.topology.Topology;
import dev.maia.schemas.wal.WalTopics;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code maia verify}: for every tenant, whether each region that holds it holds the same state, compared
 * by digest at one position vector (over HTTP, {@code GET /admin/tenants/{id}/digest}). Exit 0 only when
 * every tenant is equal; 1 when one differs or its holders never reached one vector; 2 on usage errors.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Compare every region's state per tenant at one position vector; exit 0 only when all are equal.")
public final class VerifyCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--topology", required = true, description = "topology YAML (e.g. from ./maia demo --topology-out)")
    Path topologyFile;

    @Option(names = "--tenant", description = "only this tenant")
    String onlyTenant;

    @Option(names = "--json", description = "print the verdicts as JSON")
    boolean json;

    @Option(names = "--timeout", defaultValue = "60",
            description = "seconds to wait for the holders of each tenant to reach one vector, for the whole run (default: ${DEFAULT-VALUE})")
    int timeoutSeconds;

    @Override
    public Integer call() throws Exception {
        if (timeoutSeconds < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--timeout must be at least 1 second");
        }
        if (onlyTenant != null && !WalTopics.isValidTenantId(onlyTenant)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--tenant must match [a-zA-Z0-9_-]{1,64}");
        }
        Topology topology = Topology.load(topologyFile);
        MaiaClient client = new MaiaClient();
        Map<String, Placement> placements = StateVerifier.placements(topology);
        if (onlyTenant != null) {
            Placement p = placements.get(onlyTenant);
            if (p == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "tenant " + onlyTenant + " has no placement in any region");
            }
            placements = Map.of(onlyTenant, p);
        }
        List<TenantVerdict> verdicts;
        try (StateVerifier verifier = new StateVerifier(topology, client)) {
            verdicts = verifier.verify(placements, Duration.ofSeconds(timeoutSeconds));
        }
        PrintStream out = System.out;
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("equal", VerifyReport.allEqual(verdicts));
            doc.put("tenants", VerifyReport.toJson(verdicts));
            out.println(Json.write(doc));
        } else {
            VerifyReport.printTable(out, verdicts);
        }
        out.flush();
        return VerifyReport.allEqual(verdicts) ? 0 : 1;
    }
}
