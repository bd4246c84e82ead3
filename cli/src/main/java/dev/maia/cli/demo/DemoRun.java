package dev.maia.cli.demo;

import dev.maia.apply.ApplyListener;
import dev.maia.cli.RegionNode;
import dev.maia.cli.RegionNodes;
import dev.maia.schemas.avro.ResourceType;
import dev.maia.schemas.avro.WALEntry;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the demo wrote and where it has arrived. Arrivals come from the apply listener; the verdict reads
 * every region's store, so a region only counts as converged if it really holds each write.
 *
 * <p>Which regions must hold a write is the tenant's placement <em>now</em>, not when it was written: a
 * tenant that gained a replica is converged once that replica holds its whole history, one that lost a
 * replica once that region has purged it, a deleted one once no region holds it. A region whose process
 * is stopped is down, never converged, and is counted again when it is back.
 */
final class DemoRun implements ApplyListener {

    /** One acknowledged write of the demo. */
    record Write(String tenant, String id, String region, long writtenAtNanos) {
    }

    /** How many of the writes a region must hold it holds, and how many it holds that it must not. */
    record RegionStatus(String name, boolean up, int applied, int expected, double lagSeconds, int leaked) {
        boolean converged() {
            return up && applied == expected && leaked == 0;
        }
    }

    private final Map<String, Write> writes = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Long>> arrivals = new ConcurrentHashMap<>();
    private final List<String> regions;
    private final Map<String, DemoTenant> planned = new ConcurrentHashMap<>();
    /** A stopped region's last figures: its store cannot be read while it is down. */
    private final Map<String, RegionStatus> lastSeen = new ConcurrentHashMap<>();
    private volatile ApplyListener echo = NONE;

    DemoRun(List<String> regions, List<DemoTenant> tenants) {
        this.regions = regions;
        regions.forEach(r -> arrivals.put(r, new ConcurrentHashMap<>()));
        tenants.forEach(t -> planned.put(t.id(), t));
    }

    void echoArrivals(ApplyListener echo) {
        this.echo = echo;
    }

    void written(Write write) {
        writes.put(write.id(), write);
    }

    int writeCount() {
        return writes.size();
    }

    /** Every acknowledged write so far. */
    List<Write> writes() {
        return List.copyOf(writes.values());
    }

    @Override
    public void applied(String region, WALEntry entry) {
        arrivals.get(region).putIfAbsent(entry.getResourceId(), System.nanoTime());
        echo.applied(region, entry);
    }

    /**
     * Per demo tenant, the regions that must hold its writes now: its placement as the first running region
     * reads it (every region reads the one control log), none once it is deleted, the plan while no region
     * runs or none knows a placement yet.
     */
    Map<String, List<String>> holders(RegionNodes nodes) {
        Optional<RegionNode> view = regions.stream().map(nodes::running).flatMap(Optional::stream).findFirst();
        Map<String, List<String>> out = new TreeMap<>();
        for (DemoTenant t : planned.values()) {
            out.put(t.id(), view.map(v -> holdersNow(v, t)).orElseGet(() -> t.holders(regions)));
        }
        return out;
    }

    private List<String> holdersNow(RegionNode view, DemoTenant t) {
        try {
            if (view.deleted(t.id())) {
                return List.of();
            }
            List<String> placed = view.holders(t.id());
            return placed.isEmpty() ? t.holders(regions) : placed;
        } catch (RuntimeException stopping) {
            return t.holders(regions); // the region stopped while being asked
        }
    }

    /** Per region: up or down, how many of the demo's writes it holds (by its store) and the age of the oldest it lacks. */
    Map<String, RegionStatus> status(RegionNodes nodes) {
        Map<String, RegionStatus> out = new LinkedHashMap<>();
        long now = System.nanoTime();
        Map<String, List<String>> holders = holders(nodes);
        for (String region : regions) {
            Optional<RegionNode> node = nodes.running(region);
            int applied = 0;
            int expected = 0;
            int leaked = 0;
            long oldestMissing = Long.MAX_VALUE;
            for (Write w : writes.values()) {
                boolean mustHold = holders.getOrDefault(w.tenant(), List.of()).contains(region);
                boolean held;
                try {
                    held = node.isPresent() && node.get().apply().currentState().live(w.tenant(), ResourceType.memory, w.id()).isPresent();
                } catch (RuntimeException stopping) {
                    // Stopped while being read (its store closed under this loop): down, as it is a moment later.
                    node = Optional.empty();
                    held = false;
                }
                if (!mustHold) {
                    leaked += held ? 1 : 0;
                    continue;
                }
                expected++;
                if (held) {
                    applied++;
                } else {
                    oldestMissing = Math.min(oldestMissing, w.writtenAtNanos());
                }
            }
            double lag = oldestMissing == Long.MAX_VALUE ? 0.0 : (now - oldestMissing) / 1e9;
            RegionStatus s;
            if (node.isPresent()) {
                s = new RegionStatus(region, true, applied, expected, lag, leaked);
                lastSeen.put(region, s);
            } else {
                RegionStatus last = lastSeen.get(region);
                s = new RegionStatus(region, false, last == null ? 0 : last.applied(), expected, lag,
                        last == null ? 0 : last.leaked());
            }
            out.put(region, s);
        }
        return out;
    }

    /**
     * Seconds from the first write to the last arrival of a write in a region that must hold it now; a
     * write held but whose arrival was not seen (applied before this run listened) counts as arriving now.
     */
    double secondsToConverge(RegionNodes nodes) {
        long first = writes.values().stream().mapToLong(Write::writtenAtNanos).min().orElse(0);
        long last = first;
        Map<String, List<String>> holders = holders(nodes);
        for (Write w : writes.values()) {
            for (String region : holders.getOrDefault(w.tenant(), List.of())) {
                Long at = arrivals.containsKey(region) ? arrivals.get(region).get(w.id()) : null;
                last = Math.max(last, at == null ? System.nanoTime() : at);
            }
        }
        return writes.isEmpty() ? 0 : (last - first) / 1e9;
    }
}
