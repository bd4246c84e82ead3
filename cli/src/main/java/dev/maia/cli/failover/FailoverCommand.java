package dev.maia.cli.failover;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maia.cli.MaiaClient;
import dev.maia.schemas.http.Json;
import dev.maia.schemas.topology.Topology;
import dev.maia.schemas.wal.WalTopics;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code maia failover}: an operator makes a replica the primary of a tenant whose primary is gone (its lease
 * lapsed), without waiting for, or instead of, the automatic failover. It is asked of the target region first
 * (its own applied position is the freshest). Writes the old primary had not shipped may be lost: the command
 * says how many and refuses unless {@code --accept-loss}. A primary that still leads is moved with
 * {@code maia migrate}, which loses nothing. Exit 0 once the target is primary; 1 if refused; 2 on usage errors.
 */
@Command(name = "failover", mixinStandardHelpOptions = true,
        description = "Make a replica the primary of a tenant whose primary region is gone (its lease lapsed). "
                + "May lose writes the old primary had not shipped: says how many, and needs --accept-loss then.")
public final class FailoverCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--topology", required = true, description = "topology YAML (e.g. from ./maia demo --topology-out)")
    Path topologyFile;

    @Option(names = "--tenant", required = true, description = "the tenant to fail over")
    String tenant;

    @Option(names = "--to", required = true, description = "the replica region that becomes primary")
    String to;

    @Option(names = "--accept-loss", description = "go ahead although writes the old primary had not shipped to --to may be lost")
    boolean acceptLoss;

    @Option(names = "--json", description = "print the answer as JSON")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (!WalTopics.isValidTenantId(tenant)) {
            throw usage("--tenant must match [a-zA-Z0-9_-]{1,64}");
        }
        Topology topology = Topology.load(topologyFile);
        if (topology.region(to).isEmpty()) {
            throw usage("--to: '" + to + "' is not a region of the topology " + topology.regionNames());
        }
        PrintStream out = System.out;
        MaiaClient.Reply r = new MaiaClient().sendToAnyRegion(topology, to, "POST", "/admin/tenants/" + tenant + "/failover",
                Json.write(Map.of("to_region", to, "accept_loss", acceptLoss)));
        JsonNode body = r.body();
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("status", r.status());
            doc.put("answer", body);
            out.println(Json.write(doc));
        }
        if (r.status() == 200) {
            if (!json) {
                JsonNode loss = body.path("possible_loss");
                out.printf("%s failed over %s -> %s at epoch %d%n", tenant, body.at("/failover/from_region").asText(), to,
                        body.get("epoch").asLong());
                out.printf("possible loss: %s%n", lossText(loss));
            }
            out.flush();
            return 0;
        }
        PrintStream err = System.err;
        err.printf("maia failover: not done (%d %s): %s%n", r.status(), body.path("code").asText(), body.path("error").asText());
        if (body.path("code").asText().equals("LOSS_POSSIBLE")) {
            err.printf("  it may lose %s; run again with --accept-loss to go ahead, or wait for %s to return%n",
                    lossText(body.path("details")), body.at("/details/from_region").asText());
        }
        return 1;
    }

    private static String lossText(JsonNode loss) {
        long n = loss.path("possible_loss_entries").asLong();
        return loss.path("log_end_known").asBoolean() ? n + " entries (read from the old primary's log)"
                : "at least " + n + " entries, plus what the old primary had not shipped (its log could not be read)";
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
