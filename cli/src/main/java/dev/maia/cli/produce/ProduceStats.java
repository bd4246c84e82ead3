package dev.maia.cli.produce;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * What a {@code maia produce} run did: writes and errors (in total, per tenant, per reason) and the
 * latency from send to acknowledgement. Updated from the senders' callback threads; one lock, because
 * {@link #finish} must see an exact count of the writes still in flight (they become {@code no_ack}
 * errors) and no acknowledgement may slip in after that.
 */
public final class ProduceStats {
    static final String NO_ACK = "no_ack";
    private static final int MAX_EXAMPLES = 5;

    /** Per tenant: written, errors, in flight. */
    private static final class TenantCounts {
        long written;
        long errors;
        long inFlight;
    }

    private final long startNanos = System.nanoTime();
    private long endNanos;
    private long written;
    private long errors;
    private long redirected;
    private long inFlight;
    private final Map<String, TenantCounts> byTenant = new TreeMap<>();
    private final Map<String, Long> reasons = new TreeMap<>();
    private final List<String> examples = new ArrayList<>();
    private final Timer latency;

    public ProduceStats() {
        // Percentiles over the whole run: the statistics window must not rotate (Micrometer's default is 2 minutes).
        latency = Timer.builder("maia.produce.latency").publishPercentiles(0.5, 0.99).percentilePrecision(2)
                .distributionStatisticExpiry(Duration.ofDays(3650)).distributionStatisticBufferLength(1)
                .register(new SimpleMeterRegistry());
    }

    synchronized void sent(String tenant) {
        inFlight++;
        tenant(tenant).inFlight++;
    }

    /** A sent write ended; false if it ended after {@link #finish} and so is not counted. */
    synchronized boolean completed(String tenant, SendResult result, long latencyNanos) {
        if (endNanos != 0) {
            return false;
        }
        inFlight--;
        TenantCounts c = tenant(tenant);
        c.inFlight--;
        if (result.ok()) {
            written++;
            c.written++;
            if (result.redirected()) {
                redirected++;
            }
            latency.record(latencyNanos, TimeUnit.NANOSECONDS);
        } else {
            c.errors++;
            error(result.reason(), result.detail(), 1);
        }
        return true;
    }

    /** A record that was never sent (a bad input line). */
    synchronized void invalid(String tenant, String reason, String detail) {
        if (endNanos != 0) {
            return;
        }
        if (tenant != null) {
            tenant(tenant).errors++;
        }
        error(reason, detail, 1);
    }

    private void error(String reason, String detail, long count) {
        errors += count;
        reasons.merge(reason, count, Long::sum);
        if (examples.size() < MAX_EXAMPLES) {
            examples.add(reason + ": " + detail);
        }
    }

    private TenantCounts tenant(String tenant) {
        return byTenant.computeIfAbsent(tenant, t -> new TenantCounts());
    }

    /** Stops the clock; writes still in flight count as errors ({@code no_ack}), later acks are ignored. */
    synchronized void finish() {
        if (endNanos != 0) {
            return;
        }
        endNanos = System.nanoTime();
        if (inFlight > 0) {
            byTenant.values().forEach(c -> {
                c.errors += c.inFlight;
                c.inFlight = 0;
            });
            error(NO_ACK, inFlight + " writes were not acknowledged before the run ended", inFlight);
            inFlight = 0;
        }
    }

    public synchronized long written() {
        return written;
    }

    public synchronized long errors() {
        return errors;
    }

    /** Writes that have ended either way, plus refused input lines: the progress count. */
    synchronized long done() {
        return written + errors;
    }

    public synchronized double seconds() {
        return ((endNanos != 0 ? endNanos : System.nanoTime()) - startNanos) / 1e9;
    }

    public synchronized double recordsPerSecond() {
        double s = seconds();
        return s > 0 ? written / s : 0;
    }

    public synchronized Map<String, Double> latencyMillis() {
        HistogramSnapshot snapshot = latency.takeSnapshot();
        double max = snapshot.max(TimeUnit.MILLISECONDS);
        Map<String, Double> out = new LinkedHashMap<>();
        for (ValueAtPercentile p : snapshot.percentileValues()) {
            // A percentile is a histogram bucket's bound, so it can overshoot the exact max by a little.
            out.put(p.percentile() == 0.5 ? "p50" : "p99", round(Math.min(p.value(TimeUnit.MILLISECONDS), max)));
        }
        out.put("max", round(max));
        return out;
    }

    public synchronized Map<String, Object> toJson(String via, String region, boolean interrupted) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("records", written);
        out.put("errors", errors);
        out.put("seconds", round(seconds()));
        out.put("records_per_second", round(recordsPerSecond()));
        out.put("latency_ms", latencyMillis());
        out.put("via", via);
        out.put("region", region);
        out.put("redirected", redirected);
        out.put("interrupted", interrupted);
        Map<String, Object> tenants = new LinkedHashMap<>();
        byTenant.forEach((t, c) -> {
            Map<String, Long> counts = new LinkedHashMap<>();
            counts.put("records", c.written);
            counts.put("errors", c.errors);
            tenants.put(t, counts);
        });
        out.put("by_tenant", tenants);
        out.put("error_reasons", new LinkedHashMap<>(reasons));
        out.put("error_examples", List.copyOf(examples));
        return out;
    }

    synchronized void printTable(PrintWriter out, String via, String region, boolean interrupted) {
        Map<String, Double> lat = latencyMillis();
        out.printf("produce: %s%d records to %s via %s in %.2f s%n", interrupted ? "interrupted after " : "",
                written, region, via, seconds());
        out.printf("  %-14s %12d%n", "records", written);
        out.printf("  %-14s %12d%n", "errors", errors);
        out.printf("  %-14s %12.1f%n", "records/s", recordsPerSecond());
        out.printf("  %-14s %12.2f ms%n", "latency p50", lat.getOrDefault("p50", 0.0));
        out.printf("  %-14s %12.2f ms%n", "latency p99", lat.getOrDefault("p99", 0.0));
        out.printf("  %-14s %12.2f ms%n", "latency max", lat.get("max"));
        if (redirected > 0) {
            out.printf("  %-14s %12d   (the region was not the tenant's primary; followed the 307)%n", "redirected", redirected);
        }
        if (!byTenant.isEmpty()) {
            out.printf("%n  %-30s %10s %8s%n", "tenant", "records", "errors");
            byTenant.forEach((t, c) -> out.printf("  %-30s %10d %8d%n", t, c.written, c.errors));
        }
        if (!reasons.isEmpty()) {
            out.printf("%n  %-30s %10s%n", "error reason", "count");
            reasons.forEach((r, n) -> out.printf("  %-30s %10d%n", r, n));
            examples.forEach(e -> out.printf("    e.g. %s%n", e));
        }
        out.flush();
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
