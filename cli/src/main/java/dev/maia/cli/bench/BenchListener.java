package dev.maia.cli.bench;

import dev.maia.apply.ApplyListener;
import dev.maia.schemas.avro.WALEntry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bench's one listener for every region ({@link dev.maia.cli.RegionNodes} takes one): counts the
 * entries each region applied per tenant with the time of the first and the last, and, for the tenants
 * whose arrivals are traced, the time each entry became readable in a region (by resource id).
 * Called on the regions' stream threads, so it only counts and stamps.
 */
final class BenchListener implements ApplyListener {

    /** What one region applied of one tenant since the last {@link #reset}. */
    static final class Applied {
        final AtomicLong count = new AtomicLong();
        final AtomicLong firstNanos = new AtomicLong();
        volatile long lastNanos;

        long count() {
            return count.get();
        }

        /** Seconds from the first to the last applied entry (0 with fewer than two). */
        double spanSeconds() {
            long first = firstNanos.get();
            return first == 0 ? 0 : (lastNanos - first) / 1e9;
        }
    }

    private final Map<String, Applied> applied = new ConcurrentHashMap<>();
    /** region|tenant to (resource id to the nanoTime it was applied), for traced pairs only. */
    private final Map<String, Map<String, Long>> arrivals = new ConcurrentHashMap<>();

    private static String key(String region, String tenant) {
        return region + "|" + tenant;
    }

    @Override
    public void applied(String region, WALEntry entry) {
        long now = System.nanoTime();
        String k = key(region, entry.getTenantId());
        Map<String, Long> traced = arrivals.get(k);
        if (traced != null) {
            traced.putIfAbsent(entry.getResourceId(), now);
        }
        Applied a = applied.computeIfAbsent(k, x -> new Applied());
        a.firstNanos.compareAndSet(0, now);
        a.lastNanos = now;
        a.count.incrementAndGet();
    }

    Applied applied(String region, String tenant) {
        return applied.computeIfAbsent(key(region, tenant), x -> new Applied());
    }

    /** Starts counting afresh (the next applied entry is the first). */
    void reset(String region, String tenant) {
        applied.put(key(region, tenant), new Applied());
    }

    /** Starts recording when each entry of the tenant becomes readable in the region; returns the live map. */
    Map<String, Long> trace(String region, String tenant) {
        return arrivals.computeIfAbsent(key(region, tenant), x -> new ConcurrentHashMap<>());
    }
}
