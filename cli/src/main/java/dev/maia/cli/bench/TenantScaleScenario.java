package dev.maia.cli.bench;

import dev.maia.apply.ApplyTopology;
import dev.maia.cli.MaiaClient;
import dev.maia.cli.produce.KafkaProduceSink;
import dev.maia.cli.produce.ProduceStats;
import dev.maia.control.config.TopicReplication;
import dev.maia.localcluster.LocalRegions;
import dev.maia.producer.WalTopicProvisioner;
import dev.maia.schemas.topology.RegionSpec;
import org.apache.kafka.clients.admin.Admin;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.maia.cli.bench.BenchStack.FOLLOWER;
import static dev.maia.cli.bench.BenchStack.PRIMARY;

/**
 * The tenants part (opt-in: long): a tenant is a topic, so what do 10, 100, 1,000 of them cost? Per step,
 * N new global tenants (primary us-west) are
 * <ol>
 *   <li>provisioned: a placement each through the admin API, then its log created as the write path
 *       creates it ({@link WalTopicProvisioner}), both timed;</li>
 *   <li>discovered: one write each, right after the provisioning; from its acknowledgement to its apply in
 *       eu-central, which needs MirrorMaker 2's topic refresh (and its placement filter) to start mirroring
 *       the log, and the apply application's pattern subscription to see the mirrored copy (consumer
 *       metadata refresh, then a rebalance). Also from the log's creation, which includes the refreshes that
 *       ran while the later tenants were still being provisioned;</li>
 *   <li>written at a fixed total rate, round-robin over the step's tenants: ack to applied in eu-central,
 *       p99 over all writes and the worst tenant's;</li>
 *   <li>weighed: the heap after a full GC of this JVM, which holds all of it (the regional clusters, the
 *       control cluster, MirrorMaker 2 and the three MAIA processes), and its thread count.</li>
 * </ol>
 * Steps run in order on the same stack, so a step's regions also carry every earlier step's tenants:
 * the figures are for the cumulative topic count, which the report gives.
 */
record TenantScaleScenario(BenchStack stack, List<Integer> counts, double rate, double seconds, int contentSize) {

    void run(BenchReport report) throws Exception {
        List<Map<String, Object>> steps = new ArrayList<>();
        int total = 0;
        Map<String, Object> before = new LinkedHashMap<>();
        before.put("heap_after_gc_mb", BenchReport.round(Machine.heapAfterGcMb(), 1));
        before.put("threads", ManagementFactory.getThreadMXBean().getThreadCount());
        for (int n : counts) {
            total += n;
            Map<String, Object> step = step(n, total);
            steps.add(step);
            rows(report, step);
        }
        Map<String, Object> section = new LinkedHashMap<>();
        section.put("rate", rate);
        section.put("seconds", seconds);
        section.put("before", before);
        section.put("steps", steps);
        section.put("discovery_bounds", discoveryBounds());
        report.section("tenants", section);
    }

    /** The settings that bound discovery, as this stack runs them. */
    private Map<String, Object> discoveryBounds() {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("mm2_refresh_topics_interval_seconds", LocalRegions.mirrorOptions().refreshTopicsIntervalSeconds());
        b.put("apply_consumer_metadata_max_age_ms", ApplyTopology.SUBSCRIPTION_METADATA_MAX_AGE_MS);
        return b;
    }

    private Map<String, Object> step(int n, int cumulative) throws Exception {
        Progress progress = stack.progress();
        RegionSpec primary = stack.region(PRIMARY);
        List<String> tenants = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            tenants.add(String.format("bench-n%d-%04d", n, i));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("tenants", n);
        out.put("tenants_in_regions", cumulative);
        Errors errors = new Errors();

        progress.say("tenants %d: placing %d tenants (global, primary %s) ...", n, n, PRIMARY);
        long t0 = System.nanoTime();
        for (String t : tenants) {
            MaiaClient.Reply r = stack.placeReply(t, "global", Map.of());
            if (r.status() != 200) {
                errors.add("placement", t + " answered " + r.status() + ": " + r.body());
            }
        }
        double placeSeconds = (System.nanoTime() - t0) / 1e9;
        progress.say("tenants %d: creating their logs in %s ...", n, PRIMARY);
        Map<String, Long> created = new HashMap<>();
        long t1 = System.nanoTime();
        try (Admin admin = Admin.create(stack.kafkaClient(primary))) {
            WalTopicProvisioner topics = new WalTopicProvisioner(admin, stack.nodes().topology().walPartitions(),
                    TopicReplication.CLUSTER_DEFAULTS);
            for (String t : tenants) {
                try {
                    topics.ensure(t);
                    created.put(t, System.nanoTime());
                } catch (IllegalStateException e) {
                    errors.add("topic", t + ": " + e.getMessage());
                }
            }
        }
        double topicSeconds = (System.nanoTime() - t1) / 1e9;
        Map<String, Object> provision = new LinkedHashMap<>();
        provision.put("seconds", BenchReport.round(placeSeconds + topicSeconds, 3));
        provision.put("placements_seconds", BenchReport.round(placeSeconds, 3));
        provision.put("topics_seconds", BenchReport.round(topicSeconds, 3));
        provision.put("ms_per_tenant", BenchReport.round((placeSeconds + topicSeconds) * 1000 / n, 2));
        out.put("provision", provision);

        Map<String, Map<String, Long>> applied = new LinkedHashMap<>();
        tenants.forEach(t -> applied.put(t, stack.listener().trace(FOLLOWER, t)));
        try (KafkaProduceSink base = stack.kafkaSink(primary)) {
            base.requireWritable(tenants, Duration.ofSeconds(60));
            TimedSink first = new TimedSink(base);
            progress.say("tenants %d: one write per tenant, until %s applies it (topic discovery) ...", n, FOLLOWER);
            long w0 = System.nanoTime();
            ProduceStats firstStats = BenchWrites.write(first, new BenchMemories(n, contentSize, tenants, true), 0);
            errors.writes(firstStats, "first writes");
            awaitApplied(first.acked(), applied, Duration.ofSeconds(120 + n / 5));
            Map<String, Object> discovery = discovery(first.acked(), applied, created, w0);
            errors.missing((Integer) discovery.get("missing"), "first write not applied in " + FOLLOWER);
            out.put("discovery", discovery);

            long before = arrivals(applied);
            TimedSink steady = new TimedSink(base);
            long count = Math.max(n, Math.round(rate * seconds));
            progress.say("tenants %d: %d writes at %.0f/s over the %d tenants, ack to applied in %s ...", n, count, rate, n, FOLLOWER);
            ProduceStats stats = BenchWrites.write(steady, new BenchMemories(count, contentSize, tenants, true), rate);
            errors.writes(stats, "steady writes");
            awaitApplied(steady.acked(), applied, Duration.ofSeconds(60));
            Map<String, Object> lag = steadyLag(steady.acked(), applied, stats, before);
            errors.missing((Integer) lag.get("missing"), "steady write not applied in " + FOLLOWER);
            out.put("steady", lag);
        }
        Map<String, Object> memory = new LinkedHashMap<>();
        memory.put("heap_after_gc_mb", BenchReport.round(Machine.heapAfterGcMb(), 1));
        memory.put("threads", ManagementFactory.getThreadMXBean().getThreadCount());
        out.put("jvm", memory);
        apply().ifPresent(f -> errors.add("apply", FOLLOWER + ": " + f.getMessage()));
        out.put("errors", errors.toJson());
        progress.say("tenants %d: provisioned in %.1f s; discovery p99 %s ms; steady lag p99 %s ms; heap %s MB; %d errors",
                n, placeSeconds + topicSeconds, ((Map<?, ?>) out.get("discovery")).get("p99_ms"),
                ((Map<?, ?>) out.get("steady")).get("p99_ms"), memory.get("heap_after_gc_mb"), errors.count());
        return out;
    }

    private void rows(BenchReport report, Map<String, Object> step) {
        String n = step.get("tenants") + ": ";
        Map<?, ?> provision = (Map<?, ?>) step.get("provision");
        Map<?, ?> discovery = (Map<?, ?>) step.get("discovery");
        Map<?, ?> steady = (Map<?, ?>) step.get("steady");
        Map<?, ?> jvm = (Map<?, ?>) step.get("jvm");
        Map<?, ?> errors = (Map<?, ?>) step.get("errors");
        report.row("tenants", n + "provision s", BenchReport.num((Double) provision.get("seconds")), null, null, null, null);
        report.row("tenants", n + "discovery p50 ms", BenchReport.num((Double) discovery.get("p50_ms")), null, null, null, null);
        report.row("tenants", n + "discovery p99 ms", BenchReport.num((Double) discovery.get("p99_ms")), null, null, null, null);
        report.row("tenants", n + String.format("lag p99 ms @%.0f/s", rate), BenchReport.num((Double) steady.get("p99_ms")),
                null, null, null, null);
        report.row("tenants", n + "heap after GC MB", BenchReport.num((Double) jvm.get("heap_after_gc_mb")), null, null, null, null);
        report.row("tenants", n + "errors", String.valueOf(errors.get("total")), null, null, null, null);
    }

    private Optional<Throwable> apply() {
        return stack.nodes().node(FOLLOWER).apply().failure();
    }

    /** Waits until every acknowledged write is applied in the follower, or the timeout (missing ones are reported). */
    private void awaitApplied(Map<String, Long> acked, Map<String, Map<String, Long>> applied, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && apply().isEmpty()) {
            if (missing(acked, applied) == 0) {
                return;
            }
            Thread.sleep(200);
        }
    }

    private static long missing(Map<String, Long> acked, Map<String, Map<String, Long>> applied) {
        Map<String, Long> all = merged(applied);
        return acked.keySet().stream().filter(id -> !all.containsKey(id)).count();
    }

    private static Map<String, Long> merged(Map<String, Map<String, Long>> applied) {
        Map<String, Long> all = new HashMap<>();
        applied.values().forEach(all::putAll);
        return all;
    }

    private static long arrivals(Map<String, Map<String, Long>> applied) {
        return applied.values().stream().mapToLong(Map::size).sum();
    }

    /** Per tenant, its first write's ack to its apply in the follower; and from its log's creation. */
    private Map<String, Object> discovery(Map<String, Long> acked, Map<String, Map<String, Long>> applied,
                                          Map<String, Long> created, long writesStart) {
        List<Long> fromAck = new ArrayList<>();
        List<Long> fromCreated = new ArrayList<>();
        long last = 0;
        for (Map.Entry<String, Map<String, Long>> e : applied.entrySet()) {
            for (Map.Entry<String, Long> a : e.getValue().entrySet()) {
                Long ack = acked.get(a.getKey());
                if (ack != null) {
                    fromAck.add(a.getValue() - ack);
                    last = Math.max(last, a.getValue());
                    Long c = created.get(e.getKey());
                    if (c != null) {
                        fromCreated.add(a.getValue() - c);
                    }
                }
            }
        }
        Map<String, Object> d = Latencies.of(fromAck.stream().mapToLong(Long::longValue).toArray()).toJson();
        d.put("missing", acked.size() - fromAck.size());
        d.put("all_applied_after_first_write_s", last == 0 ? null : BenchReport.round((last - writesStart) / 1e9, 3));
        d.put("from_topic_created", Latencies.of(fromCreated.stream().mapToLong(Long::longValue).toArray()).toJson());
        return d;
    }

    /** Ack to applied over all steady writes (the entries applied before are the discovery writes). */
    private Map<String, Object> steadyLag(Map<String, Long> acked, Map<String, Map<String, Long>> applied,
                                          ProduceStats stats, long arrivedBefore) {
        List<Long> all = new ArrayList<>();
        long worstTenantMaxNanos = 0;
        String worstTenant = null;
        for (Map.Entry<String, Map<String, Long>> e : applied.entrySet()) {
            long tenantMax = 0;
            for (Map.Entry<String, Long> a : e.getValue().entrySet()) {
                Long ack = acked.get(a.getKey());
                if (ack != null) {
                    long lag = a.getValue() - ack;
                    all.add(lag);
                    tenantMax = Math.max(tenantMax, lag);
                }
            }
            if (tenantMax > worstTenantMaxNanos) {
                worstTenantMaxNanos = tenantMax;
                worstTenant = e.getKey();
            }
        }
        Map<String, Object> s = Latencies.of(all.stream().mapToLong(Long::longValue).toArray()).toJson();
        s.put("missing", acked.size() - all.size());
        s.put("writes", stats.written());
        s.put("rate_target", rate);
        s.put("rate_achieved", BenchReport.round(stats.recordsPerSecond(), 1));
        s.put("worst_tenant", worstTenant);
        s.put("worst_tenant_max_ms", BenchReport.round(worstTenantMaxNanos / 1e6, 2));
        s.put("applied_before", arrivedBefore);
        return s;
    }

    /** The step's failures by kind, with a few examples: a benchmark that hides its errors measures nothing. */
    private static final class Errors {
        private final Map<String, Long> byKind = new LinkedHashMap<>();
        private final List<String> examples = new ArrayList<>();

        void add(String kind, String example) {
            byKind.merge(kind, 1L, Long::sum);
            if (examples.size() < 5) {
                examples.add(kind + ": " + example);
            }
        }

        void writes(ProduceStats stats, String what) {
            if (stats.errors() > 0) {
                byKind.merge(what, stats.errors(), Long::sum);
                if (examples.size() < 5) {
                    examples.add(what + ": " + stats.toJson("", "", false).get("error_examples"));
                }
            }
        }

        void missing(int n, String what) {
            if (n > 0) {
                byKind.merge(what, (long) n, Long::sum);
            }
        }

        long count() {
            return byKind.values().stream().mapToLong(Long::longValue).sum();
        }

        Map<String, Object> toJson() {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("total", count());
            e.put("by_kind", byKind);
            e.put("examples", examples);
            return e;
        }
    }
}
