package dev.maia.containers.faults;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A client thread: creates memories with ids and contents of its own choosing in its tenants, one after the
 * other, as an application would through the faults (one thread per tenant, so that one tenant's outage does
 * not hold back the others' writes). It follows a 307 to the region X-MAIA-Primary-Region names
 * (mapped to the host's endpoint); on a 503 or no answer it retries the same id a little later, from the
 * second failure on at the tenant's next holder, until {@code giveUpAfter}. Every attempt goes to the history.
 * A retry reuses the id: a create that an unanswered attempt already made answers 409 ALREADY_EXISTS.
 */
public final class Writer implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(Writer.class);
    private static final long RETRY_PAUSE_MS = 500;

    private final String name;
    private final List<FaultTenant> tenants;
    private final StackEndpoints stack;
    private final RegionHttp http;
    private final History history;
    private final AtomicBoolean stop;
    private final Duration giveUpAfter;
    private final long pauseMs;
    /** Where this client last found each tenant's primary. */
    private final Map<String, String> primaryGuess = new HashMap<>();

    public Writer(String name, List<FaultTenant> tenants, StackEndpoints stack, History history, AtomicBoolean stop,
                  Duration giveUpAfter, long pauseMs) {
        this.name = name;
        this.tenants = tenants;
        this.stack = stack;
        this.http = new RegionHttp(Duration.ofSeconds(8));
        this.history = history;
        this.stop = stop;
        this.giveUpAfter = giveUpAfter;
        this.pauseMs = pauseMs;
        tenants.forEach(t -> primaryGuess.put(t.id(), t.primary()));
    }

    @Override
    public void run() {
        long seq = 0;
        try {
            while (!stop.get()) {
                for (FaultTenant t : tenants) {
                    write(t, name + "-" + seq);
                }
                seq++;
                Thread.sleep(pauseMs);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.info("writer {} stopped after {} rounds", name, seq);
    }

    private void write(FaultTenant t, String id) throws InterruptedException {
        String value = "v-" + UUID.randomUUID();
        Map<String, Object> body = Map.of("id", id, "namespace", "faults", "content", value);
        long deadline = System.currentTimeMillis() + giveUpAfter.toMillis();
        String region = primaryGuess.get(t.id());
        int attempt = 0;
        int failures = 0;
        int redirects = 0;
        while (System.currentTimeMillis() < deadline) {
            attempt++;
            long start = System.currentTimeMillis();
            try {
                RegionHttp.Reply r = http.send("POST", stack.api(region) + "/v1/memories", t.key(), body);
                long end = System.currentTimeMillis();
                if (r.status() == 201) {
                    JsonPosition p = JsonPosition.of(r);
                    history.add(new Op("write", t.id(), id, value, region, "ok", 201, null, t.syncMode(), p.partition(),
                            p.offset(), start, end, attempt));
                    primaryGuess.put(t.id(), region);
                    return;
                }
                if (r.status() == 307 && stack.has(r.primaryRegion()) && redirects++ < 5) {
                    history.add(new Op("write", t.id(), id, value, region, "redirect", 307, r.code(), t.syncMode(), -1, -1,
                            start, end, attempt));
                    region = r.primaryRegion();
                    continue;
                }
                if (r.status() == 409 && "ALREADY_EXISTS".equals(r.code()) && attempt > 1) {
                    history.add(new Op("write", t.id(), id, value, region, "exists", 409, r.code(), t.syncMode(), -1, -1,
                            start, end, attempt));
                    return;
                }
                // 503: refused before anything was written (docs/api.md). Any other answer (504 REPLICATION_TIMEOUT:
                // in the primary's log, not confirmed by replicas) may have written it: indeterminate.
                history.add(new Op("write", t.id(), id, value, region, r.status() == 503 ? "fail" : "info", r.status(),
                        r.code(), t.syncMode(), -1, -1, start, end, attempt));
            } catch (IOException e) {
                history.add(new Op("write", t.id(), id, value, region, "info", 0, e.getClass().getSimpleName(), t.syncMode(),
                        -1, -1, start, System.currentTimeMillis(), attempt));
            }
            failures++;
            redirects = 0;
            if (failures >= 2) {
                region = next(t, region);
            }
            Thread.sleep(RETRY_PAUSE_MS);
        }
        history.add(new Op("write", t.id(), id, value, region, "gave-up", 0, null, t.syncMode(), -1, -1,
                System.currentTimeMillis(), System.currentTimeMillis(), attempt));
    }

    /** The tenant's holder after {@code region} (any region answers a 307 to the primary it knows). */
    private static String next(FaultTenant t, String region) {
        List<String> holders = t.holders();
        int i = holders.indexOf(region);
        return holders.get((i + 1) % holders.size());
    }

    /** The answer's {@code position}: where the write sits in the tenant's log. */
    private record JsonPosition(int partition, long offset) {
        static JsonPosition of(RegionHttp.Reply r) {
            if (r.body() == null || !r.body().has("position")) {
                return new JsonPosition(-1, -1);
            }
            return new JsonPosition(r.body().at("/position/partition").asInt(-1), r.body().at("/position/offset").asLong(-1));
        }
    }
}
