package dev.maia.producer;

import dev.maia.schemas.avro.ResourceType;
import dev.maia.schemas.avro.WALEntry;
import dev.maia.schemas.read.CurrentState;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A region's current state as a map: the last entry applied per resource (tombstones included). Its
 * apply can be made to lag, so that a wait for the region's own writes times out.
 */
final class MapCurrentState implements CurrentState {
    private final Map<String, WALEntry> entries = new ConcurrentHashMap<>();
    private volatile boolean lagging;

    void apply(WALEntry entry) {
        entries.put(key(entry.getTenantId(), entry.getResourceType(), entry.getResourceId()), entry);
    }

    /** From now on the region has not applied its own writes in time. */
    void lag() {
        lagging = true;
    }

    @Override
    public Optional<WALEntry> current(String tenantId, ResourceType type, String resourceId) {
        return Optional.ofNullable(entries.get(key(tenantId, type, resourceId)));
    }

    @Override
    public boolean awaitApplied(String origin, String tenantId, int partition, long offset, long timeoutMs) {
        return !lagging;
    }

    private static String key(String tenant, ResourceType type, String id) {
        return tenant + "/" + type + "/" + id;
    }
}
