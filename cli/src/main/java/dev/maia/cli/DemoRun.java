package dev.maia.cli;

import dev.maia.apply.ApplyListener;
import dev.maia.schemas.avro.ResourceType;
import dev.maia.schemas.avro.WALEntry;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the demo wrote and where it has arrived. Arrivals come from the apply listener; the final
 * verdict reads every region's store, so a region only counts as converged if it really holds each write.
 */
final class DemoRun implements ApplyListener {

    /** One write of the demo, and the regions its tenant's placement says must hold it. */
    record Write(String tenant, String id, String region, List<String> holders, long writtenAtNanos) {
    }

    /** How many of the writes a region must hold it holds, and how many it holds that it must not. */
    record RegionStatus(String name, int applied, int expected, double lagSeconds, int leaked) {
        boolean converged() {
            return applied == expected && leaked == 0;
        }
    }

    private final Map<String, Write> writes = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Long>> arrivals = new ConcurrentHashMap<>();
    private final List<String> regions;
    private volatile ApplyListener echo = NONE;

    DemoRun(List<String> regions) {
        this.regions = regions;
        regions.forEach(r -> arrivals.put(r, new ConcurrentHashMap<>()));
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

    @Override
    public void applied(String region, WALEntry entry) {
        arrivals.get(region).putIfAbsent(entry.getResourceId(), System.nanoTime());
        echo.applied(region, entry);
    }

    Write write(String id) {
        return writes.get(id);
    }

    /**
     * Per region: how many of the demo's writes it holds (by its store) and the age of the oldest it lacks.
     * Which regions should hold a write is the tenant's placement now, so a tenant moved from another
     * terminal ({@code maia migrate}) is counted where it lives.
     */
    Map<String, RegionStatus> status(RegionNodes nodes) {
        Map<String, RegionStatus> out = new LinkedHashMap<>();
        long now = System.nanoTime();
        Map<String, List<String>> holders = new HashMap<>();
        for (String region : regions) {
            int applied = 0;
            int expected = 0;
            int leaked = 0;
            long oldestMissing = Long.MAX_VALUE;
            for (Write w : writes.values()) {
                boolean held = nodes.node(region).apply().currentState().live(w.tenant(), ResourceType.memory, w.id()).isPresent();
                List<String> holdersNow = holders.computeIfAbsent(w.tenant(), t -> {
                    List<String> placed = nodes.node(region).holders(t);
                    return placed.isEmpty() ? w.holders() : placed;
                });
                if (!holdersNow.contains(region)) {
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
            out.put(region, new RegionStatus(region, applied, expected, lag, leaked));
        }
        return out;
    }

    /** Seconds from the first write to the last arrival anywhere; -1 while anything is missing. */
    double secondsToConverge() {
        long first = writes.values().stream().mapToLong(Write::writtenAtNanos).min().orElse(0);
        long last = 0;
        for (String region : regions) {
            for (Write w : writes.values()) {
                if (!w.holders().contains(region)) {
                    continue;
                }
                Long at = arrivals.get(region).get(w.id());
                if (at == null) {
                    return -1;
                }
                last = Math.max(last, at);
            }
        }
        return writes.isEmpty() ? 0 : (last - first) / 1e9;
    }
}
