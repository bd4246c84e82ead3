package dev.maia.cli.migrate;

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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code maia migrate}: a planned move of a tenant's primary, drain then switch. The command starts the
 * migration through the admin API and follows it; the regions do the work (so the command may be
 * interrupted: the migration goes on). Exit 0 once the new primary takes writes; 1 if it did not within
 * {@code --timeout} (the migration stays in progress: wait, or {@code --abort}); 2 on usage errors.
 */
@Command(name = "migrate", mixinStandardHelpOptions = true,
        description = "Move a tenant's primary to another region without losing a write: the old primary stops "
                + "taking writes, the new one applies all of its log, then takes over.")
public final class MigrateCommand implements Callable<Integer> {
    private static final long POLL_MS = 100;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--topology", required = true, description = "topology YAML (e.g. from ./maia demo --topology-out)")
    Path topologyFile;

    @Option(names = "--tenant", required = true, description = "the tenant to move")
    String tenant;

    @Option(names = "--to", description = "the region that becomes primary")
    String to;

    @Option(names = "--abort", description = "end a migration that has not switched yet; the old primary takes writes again")
    boolean abort;

    @Option(names = "--timeout", defaultValue = "120", description = "seconds to follow the migration (default: ${DEFAULT-VALUE})")
    int timeoutSeconds;

    @Option(names = "--json", description = "print the outcome as JSON")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (!WalTopics.isValidTenantId(tenant)) {
            throw usage("--tenant must match [a-zA-Z0-9_-]{1,64}");
        }
        if (abort == (to != null)) {
            throw usage("give either --to REGION or --abort");
        }
        if (timeoutSeconds < 1) {
            throw usage("--timeout must be at least 1 second");
        }
        Topology topology = Topology.load(topologyFile);
        if (to != null && topology.region(to).isEmpty()) {
            throw usage("--to: '" + to + "' is not a region of the topology " + topology.regionNames());
        }
        MaiaClient client = new MaiaClient();
        PrintStream out = System.out;
        PrintStream progress = System.err;
        String path = "/admin/tenants/" + tenant + "/migration";
        if (abort) {
            MaiaClient.Reply r = client.sendToAnyRegion(topology, to, "DELETE", path, null);
            out.println(json ? Json.write(r.body()) : r.status() == 200
                    ? "migration of " + tenant + " aborted; " + r.body().get("primary_region").asText() + " is primary at epoch " + r.body().get("epoch")
                    : "not aborted (" + r.status() + "): " + r.body().path("error").asText());
            return r.status() == 200 ? 0 : 1;
        }

        long t0 = System.nanoTime();
        MaiaClient.Reply started = client.sendToAnyRegion(topology, to, "POST", path, Json.write(Map.of("to_region", to)));
        if (started.status() != 202) {
            progress.println("maia migrate: not started (" + started.status() + " " + started.body().path("code").asText() + "): "
                    + started.body().path("error").asText());
            return 1;
        }
        String from = started.body().get("primary_region").asText();
        progress.printf("migrate %s: %s -> %s started (epoch %d)%n", tenant, from, to, started.body().get("epoch").asLong());

        // Followed from the new primary: it is the region whose view decides when it takes writes.
        String target = topology.requireRegion(to).endpoint() + path;
        List<Map<String, Object>> phases = new ArrayList<>();
        String phase = "";
        long deadline = t0 + timeoutSeconds * 1_000_000_000L;
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            MaiaClient.Reply r = client.send("GET", target, topology.adminKey(), null);
            if (r.status() == 200) {
                last = r.body();
                String now = last.get("phase").asText();
                boolean done = now.equals("none") && to.equals(last.path("primary_region").asText());
                String shown = done ? "switched" : now;
                if (!shown.equals(phase)) {
                    phase = shown;
                    long ms = (System.nanoTime() - t0) / 1_000_000;
                    phases.add(Map.of("phase", shown, "after_ms", ms));
                    progress.printf("  %6d ms  %-10s %s%n", ms, shown, describe(last));
                }
                if (done) {
                    return report(out, from, last.get("epoch").asLong(), phases, true);
                }
            }
            Thread.sleep(POLL_MS);
        }
        progress.printf("maia migrate: %s did not switch within %d s (last phase: %s); it goes on: run again to follow "
                + "it, or --abort%n", tenant, timeoutSeconds, phase);
        return report(out, from, last == null ? -1 : last.path("epoch").asLong(), phases, false);
    }

    private static String describe(JsonNode progress) {
        JsonNode waiting = progress.get("waiting_for");
        if (waiting == null || waiting.isEmpty()) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        waiting.forEach(w -> parts.add(w.get("origin_region").asText() + "/" + w.get("partition").asInt() + " applied "
                + w.get("applied").asLong() + " of " + w.get("needed").asLong()));
        return String.join(", ", parts);
    }

    private int report(PrintStream out, String from, long epoch, List<Map<String, Object>> phases, boolean switched) {
        long total = phases.isEmpty() ? -1 : ((Number) phases.get(phases.size() - 1).get("after_ms")).longValue();
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("tenant_id", tenant);
            doc.put("from_region", from);
            doc.put("to_region", to);
            doc.put("switched", switched);
            doc.put("epoch", epoch);
            doc.put("writable_after_ms", switched ? total : null);
            doc.put("phases", phases);
            out.println(Json.write(doc));
        } else if (switched) {
            out.printf("%s moved %s -> %s: writable in %s after %d ms (epoch %d)%n", tenant, from, to, to, total, epoch);
        }
        out.flush();
        return switched ? 0 : 1;
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
