package dev.maia.apply.store;

import org.h2.mvstore.MVMap;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each tenant's stored bytes (its winning entries' encoded lengths, tombstones included), kept as the
 * store changes so that a usage report reads a map of tenants instead of every stored value.
 *
 * <p>The totals live in memory and are written to the listing index's file only at its clean close: they
 * share the index's trust rule (an unclean close or another count means both are rebuilt from the store),
 * so a write to the store costs a map update, not a B-tree write.
 */
final class TenantBytes {
    private final ConcurrentHashMap<String, Long> totals = new ConcurrentHashMap<>();
    private final MVMap<String, Long> stored;

    TenantBytes(MVMap<String, Long> stored) {
        this.stored = stored;
    }

    /** Takes the totals written at the last clean close (only when the index is trusted). */
    void load() {
        totals.putAll(stored);
    }

    /** Moves a tenant's total by {@code delta}; a tenant left with nothing is absent, as in a scan. */
    void add(String tenant, long delta) {
        if (delta != 0) {
            totals.compute(tenant, (t, total) -> {
                long now = (total == null ? 0 : total) + delta;
                return now == 0 ? null : now;
            });
        }
    }

    /** One tenant's bytes now; 0 without stored entries. */
    long of(String tenant) {
        return totals.getOrDefault(tenant, 0L);
    }

    /** Tenant to its bytes now; tenants without stored entries are absent. */
    Map<String, Long> snapshot() {
        return new HashMap<>(totals);
    }

    void clear() {
        totals.clear();
    }

    /** Writes the totals into the index file (committed by the index's close). */
    void save() {
        stored.clear();
        stored.putAll(totals);
    }
}
