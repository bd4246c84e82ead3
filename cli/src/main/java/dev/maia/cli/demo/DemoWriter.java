package dev.maia.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maia.cli.MaiaClient;
import dev.maia.schemas.http.Json;
import dev.maia.schemas.topology.RegionSpec;
import dev.maia.schemas.topology.Topology;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Writes the demo's memories to wherever each tenant's primary is now. A running demo is shared with its
 * users: another terminal may move a tenant (the old primary answers 307, every holder 503 MIGRATING while
 * {@code maia migrate} drains it), delete it, or a region may stop. None of that ends the demo: the writer
 * follows the 307, waits out a move (bounded), or leaves the write unacknowledged, and says so in one
 * line each time a tenant's situation changes, not once per write.
 */
final class DemoWriter {
    /** How long the writer follows and waits for one write while its tenant moves, unless told otherwise. */
    static final Duration MOVE_WAIT = Duration.ofSeconds(60);
    private static final String PRIMARY_HEADER = "X-MAIA-Primary-Region";
    /** Between two tries while a move is in progress, unless the answer names another pause (Retry-After). */
    private static final long RETRY_PAUSE_MS = 200;

    /** What became of one write. */
    sealed interface Outcome permits Acknowledged, NotWritten {
    }

    /** Acknowledged (201) by {@code region}, the tenant's primary at the time. */
    record Acknowledged(String tenant, String id, String region, long writtenAtNanos) implements Outcome {
    }

    /** Not acknowledged: the region did not answer, refused the tenant, or the move outlasted the wait. */
    record NotWritten(String tenant, String reason) implements Outcome {
    }

    private final MaiaClient client;
    private final Topology topology;
    private final Duration moveWait;
    private final Consumer<String> say;
    /** Per tenant, the region that acknowledged its last write: where the next one goes first. */
    private final Map<String, String> primaryOf = new ConcurrentHashMap<>();
    /** Per tenant, the situation last reported, so that a line is printed once per change. */
    private final Map<String, String> reported = new ConcurrentHashMap<>();
    /** Tenant and situation of every move the wait was given up on. */
    private final Set<String> gaveUp = ConcurrentHashMap.newKeySet();

    DemoWriter(MaiaClient client, Topology topology, Duration moveWait, Consumer<String> say) {
        this.client = client;
        this.topology = topology;
        this.moveWait = moveWait;
        this.say = say;
    }

    /** Writes one memory of the tenant; never throws for what its users do to the deployment. */
    Outcome write(DemoTenant tenant, Map<String, Object> memory) throws InterruptedException {
        String key = topology.tenantKeys().get(tenant.id());
        String body = Json.write(memory);
        String region = primaryOf.getOrDefault(tenant.id(), tenant.primary());
        long at = System.nanoTime();
        long deadline = at + moveWait.toNanos();
        int hops = 0;
        while (true) {
            MaiaClient.Reply reply;
            try {
                reply = client.send("POST", topology.requireRegion(region).endpoint() + "/v1/memories", key, body);
            } catch (IOException e) {
                report(tenant, "down " + region, "%s: %s does not answer (%s): its writes are skipped until it does",
                        tenant.id(), region, e.getClass().getSimpleName());
                return new NotWritten(tenant.id(), region + " does not answer");
            }
            String code = code(reply);
            if (reply.status() == 201) {
                primaryOf.put(tenant.id(), region);
                String before = reported.put(tenant.id(), "ok " + region);
                if (before != null && !before.equals("ok " + region)) {
                    say.accept(String.format("%s: writes acknowledged again, by %s", tenant.id(), region));
                }
                return new Acknowledged(tenant.id(), reply.body().get("id").asText(), region, at);
            }
            if (reply.status() == 307) {
                Optional<String> to = redirectedTo(reply);
                if (to.isEmpty()) {
                    report(tenant, "307 nowhere", "%s: %s answered 307 without naming a known region: skipped", tenant.id(), region);
                    return new NotWritten(tenant.id(), "307 without a primary");
                }
                report(tenant, "moved " + to.get(), "%s: its primary is now %s (307 from %s): following",
                        tenant.id(), to.get(), region);
                region = to.get();
                // Two regions may disagree for a moment on who is primary (each reads the control log at
                // its own pace): after a round of every region, pause before the next hop.
                if (++hops % topology.regions().size() == 0) {
                    Thread.sleep(RETRY_PAUSE_MS);
                }
            } else if (reply.status() == 503 && "MIGRATING".equals(code)) {
                String toRegion = reply.body().path("details").path("to_region").asText("?");
                report(tenant, "migrating " + toRegion, "%s is moving to %s (503 MIGRATING): waiting, at most %d s a write",
                        tenant.id(), toRegion, moveWait.toSeconds());
                Thread.sleep(retryAfterMs(reply));
            } else {
                // 401 (deleted, key revoked), 403 (suspended), 5xx: nothing the demo can fix by retrying now.
                report(tenant, "refused " + reply.status() + " " + code, "%s: %s answered %d %s: its writes are skipped until that changes",
                        tenant.id(), region, reply.status(), code.isEmpty() ? "" : code);
                return new NotWritten(tenant.id(), region + " answered " + reply.status() + " " + code);
            }
            if (System.nanoTime() > deadline) {
                // Said once per move, not once per skipped write.
                if (gaveUp.add(tenant.id() + " " + reported.get(tenant.id()))) {
                    say.accept(String.format("%s: still moving after %d s: this write is skipped, the next ones try again",
                            tenant.id(), moveWait.toSeconds()));
                }
                return new NotWritten(tenant.id(), "still moving after " + moveWait.toSeconds() + " s");
            }
        }
    }

    /** The region whose API took the tenant's last write (its primary then); the planned one before any. */
    String primaryOf(DemoTenant tenant) {
        return primaryOf.getOrDefault(tenant.id(), tenant.primary());
    }

    private void report(DemoTenant tenant, String situation, String format, Object... args) {
        if (!situation.equals(reported.put(tenant.id(), situation))) {
            say.accept(String.format(format, args));
        }
    }

    /** The primary a 307 names: its header, or else the region whose endpoint its Location starts with. */
    private Optional<String> redirectedTo(MaiaClient.Reply reply) {
        String primary = reply.header(PRIMARY_HEADER);
        if (primary != null && topology.region(primary).isPresent()) {
            return Optional.of(primary);
        }
        String location = reply.header("Location");
        return location == null ? Optional.empty() : topology.regions().stream()
                .filter(r -> location.startsWith(r.endpoint())).map(RegionSpec::name).findFirst();
    }

    private static String code(MaiaClient.Reply reply) {
        JsonNode body = reply.body();
        return body == null ? "" : body.path("code").asText("");
    }

    private static long retryAfterMs(MaiaClient.Reply reply) {
        try {
            String seconds = reply.header("Retry-After");
            return seconds == null ? RETRY_PAUSE_MS : Math.min(1000, Long.parseLong(seconds.trim()) * 1000);
        } catch (NumberFormatException e) {
            return RETRY_PAUSE_MS;
        }
    }
}
