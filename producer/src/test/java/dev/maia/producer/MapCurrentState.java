package dev.maia.producer;

import dev.maia.schemas.avro.Operation;
import dev.maia.schemas.avro.ResourceType;
import dev.maia.schemas.avro.WALEntry;
import dev.maia.schemas.read.CurrentState;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A region's current state as a map: the last entry applied per resource (tombstones included). Its
 * apply can be held back, as a region's apply path lags its log, and then catch up.
 */
final class MapCurrentState implements CurrentState {
    private final Map<String, WALEntry> entries = new ConcurrentHashMap<>();
    private final List<WALEntry> heldBack = new ArrayList<>();
    private boolean lagging;
    /** Tenants at their store quota, as the region's store would report them. */
    private final Map<String, QuotaReached> atQuota = new ConcurrentHashMap<>();

    void atQuota(String tenant, long storedBytes, long quotaBytes) {
        atQuota.put(tenant, new QuotaReached(storedBytes, quotaBytes));
    }

    @Override
    public Optional<QuotaReached> quotaReached(String tenantId) {
        return Optional.ofNullable(atQuota.get(tenantId));
    }

    synchronized void apply(WALEntry entry) {
        if (lagging) {
            heldBack.add(entry);
        } else {
            entries.put(key(entry.getTenantId(), entry.getResourceType(), entry.getResourceId()), entry);
        }
    }

    /** From now on nothing is applied (nor reported applied) until {@link #catchUp}. */
    synchronized void lag() {
        lagging = true;
    }

    /** Applies what was held back, and from now on every entry as it comes. */
    synchronized void catchUp() {
        lagging = false;
        heldBack.forEach(this::apply);
        heldBack.clear();
    }

    @Override
    public Optional<WALEntry> current(String tenantId, ResourceType type, String resourceId) {
        return Optional.ofNullable(entries.get(key(tenantId, type, resourceId)));
    }

    @Override
    public List<String> namespacesNamed(String tenantId, String name) {
        return entries.values().stream().filter(e -> e.getTenantId().equals(tenantId) && e.getResourceType() == ResourceType.namespace
                && e.getOperation() != Operation.DELETE && name.equals(e.getNamespace())).map(WALEntry::getResourceId).sorted().toList();
    }

    @Override
    public synchronized boolean awaitApplied(String origin, String tenantId, int partition, long offset, long timeoutMs) {
        return !lagging;
    }

    private static String key(String tenant, ResourceType type, String id) {
        return tenant + "/" + type + "/" + id;
    }
}
