package dev.maia.containers.faults;

import com.fasterxml.jackson.databind.JsonNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The invariants, checked once every fault is healed: the holders converge ({@code maia verify}); every
 * acknowledged write reads back with its value from every holder, except async writes that the conflict feed
 * names or that were acknowledged within the replication lag reported when a fault began; and no placement
 * epoch of a tenant has entries accepted by two regions.
 */
public final class Checker {

    private static final Logger log = LoggerFactory.getLogger(Checker.class);

    private final StackEndpoints stack;
    private final History history;
    private final RegionHttp http = new RegionHttp(Duration.ofSeconds(10));

    public Checker(StackEndpoints stack, History history) {
        this.stack = stack;
        this.history = history;
    }

    /**
     * @param verify runs {@code maia verify --topology ... --json} and answers its exit code and output
     */
    public Verdict check(List<FaultTenant> tenants, List<FaultEvent> faults, Function<Duration, VerifyRun> verify)
            throws Exception {
        VerifyRun verified = verify.apply(Duration.ofSeconds(240));
        // A verify that could not read a log (the control cluster still settling after a cut) gave no verdict: again.
        for (int attempt = 2; attempt <= 3 && !verified.answered(); attempt++) {
            log.info("checker: maia verify gave no verdict (exit {}); attempt {} in 15 s", verified.exitCode(), attempt);
            Thread.sleep(15_000);
            verified = verify.apply(Duration.ofSeconds(240));
        }
        boolean equal = verified.exitCode() == 0 && verified.equal();

        Map<String, FaultTenant> byId = new LinkedHashMap<>();
        tenants.forEach(t -> byId.put(t.id(), t));
        Map<String, ModeFigures> byMode = new TreeMap<>();
        List<String> lost = new ArrayList<>();
        List<String> splits = new ArrayList<>();
        Map<String, Map<Long, List<String>>> epochs = new TreeMap<>();
        try (RegionLogs logs = new RegionLogs(stack)) {
            for (FaultTenant t : tenants) {
                Set<String> conflicted = logs.conflictResources(t.id());
                Map<Long, Set<String>> regionsByEpoch = new TreeMap<>();
                for (RegionLogs.Accepted a : logs.accepted(t.id())) {
                    regionsByEpoch.computeIfAbsent(a.placementEpoch(), e -> new TreeSet<>()).add(a.originRegion());
                }
                Map<Long, List<String>> seen = new TreeMap<>();
                regionsByEpoch.forEach((epoch, regions) -> {
                    seen.put(epoch, List.copyOf(regions));
                    if (regions.size() > 1) {
                        splits.add(t.id() + " epoch " + epoch + ": " + regions);
                    }
                });
                epochs.put(t.id(), seen);
                for (Op w : history.acknowledged().values()) {
                    if (!w.tenant().equals(t.id())) {
                        continue;
                    }
                    List<String> missingIn = readBack(t, w);
                    boolean isLost = !missingIn.isEmpty();
                    boolean excused = LossRule.excused(w, t, conflicted, faults);
                    if (isLost) {
                        lost.add(t.id() + "/" + w.id() + " in " + missingIn + " (" + t.syncMode() + (excused ? ", excused" : "") + ")");
                    }
                    byMode.merge(t.syncMode(), new ModeFigures(t.syncMode(), 1, isLost ? 1 : 0, isLost && excused ? 1 : 0),
                            (a, b) -> new ModeFigures(a.syncMode(), a.acknowledged() + b.acknowledged(),
                                    a.lost() + b.lost(), a.excused() + b.excused()));
                }
            }
        }
        Verdict v = new Verdict(byMode, lost, equal, verified.output(), splits, epochs, resumedAfter(tenants, faults, false),
                resumedAfter(tenants, faults, true));
        log.info("checker: {} by mode, {} lost, verify equal {}, epoch splits {}, epochs {}, resumed after {}, failover after {}",
                byMode, lost.size(), equal, splits, epochs, v.resumedAfterMs(), v.failoverMs());
        return v;
    }

    /** The holders where the write is missing or holds another value; each read goes to the history. */
    private List<String> readBack(FaultTenant t, Op w) throws InterruptedException {
        List<String> bad = new ArrayList<>();
        for (String region : t.holders()) {
            long start = System.currentTimeMillis();
            String outcome;
            int status = 0;
            try {
                RegionHttp.Reply r = http.send("GET", stack.api(region) + "/v1/memories/" + w.id(), t.key(), null);
                status = r.status();
                JsonNode content = r.body() == null ? null : r.body().get("content");
                outcome = status == 200 && content != null && content.asText().equals(w.value()) ? "ok"
                        : status == 404 ? "missing" : status == 200 ? "wrong-value" : "fail";
            } catch (IOException e) {
                outcome = "fail";
            }
            history.add(new Op("read", t.id(), w.id(), w.value(), region, outcome, status, null, t.syncMode(), -1, -1,
                    start, System.currentTimeMillis(), 1));
            if (!outcome.equals("ok")) {
                bad.add(region + ":" + outcome);
            }
        }
        return bad;
    }

    /**
     * For each fault that hit a tenant's primary region (the primary when the fault began, which after an earlier
     * failover is not the one the tenant was placed at): ms until the tenant's next acknowledged write (any
     * region), or with {@code elsewhere} until the first one a region other than that primary acknowledged while
     * the fault held: a failover (a 201 only: a non-primary may answer a retry's 409 before redirecting).
     */
    private Map<String, Long> resumedAfter(List<FaultTenant> tenants, List<FaultEvent> faults, boolean elsewhere) {
        Map<String, Long> out = new LinkedHashMap<>();
        List<Op> ops = history.all();
        for (FaultEvent f : faults) {
            for (FaultTenant t : tenants) {
                String primary = primaryAt(ops, t, f.injectedMs());
                if (!primary.equals(f.region())) {
                    continue;
                }
                ops.stream().filter(o -> o.acknowledged() && t.id().equals(o.tenant()) && o.startMs() >= f.injectedMs())
                        .filter(o -> !elsewhere || (o.outcome().equals("ok") && !o.region().equals(primary)
                                && o.endMs() <= f.healedMs()))
                        .mapToLong(Op::endMs).min()
                        .ifPresent(first -> out.put(f.name() + " / " + t.id(), first - f.injectedMs()));
            }
        }
        return out;
    }

    /** The region that acknowledged the tenant's last write (a 201: only a primary gives one) before {@code ms}. */
    static String primaryAt(List<Op> ops, FaultTenant t, long ms) {
        // The nemesis's own ops (inject, heal) carry no tenant.
        return ops.stream().filter(o -> t.id().equals(o.tenant()) && o.outcome().equals("ok") && o.endMs() <= ms)
                .max(Comparator.comparingLong(Op::endMs)).map(Op::region).orElse(t.primary());
    }

    /** What {@code maia verify --json} answered; {@code answered} when it printed its JSON verdict at all. */
    public record VerifyRun(int exitCode, boolean answered, boolean equal, String output) {
    }
}
