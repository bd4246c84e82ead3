package dev.maia.apply.store;

import dev.maia.schemas.avro.Operation;
import dev.maia.schemas.avro.ResourceType;
import dev.maia.schemas.avro.WALEntry;

import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * Which live namespaces a tenant has and which live memories each namespace holds, sorted by id (ULIDs
 * sort by creation). Chronicle Map has no order, so listings come from this index; it lives in memory,
 * is rebuilt from the store on open and follows every change of a winning entry.
 */
final class ListingIndex {
    private final Map<String, NavigableSet<String>> namespaces = new ConcurrentHashMap<>();
    private final Map<String, Map<String, NavigableSet<String>>> memories = new ConcurrentHashMap<>();

    /** Moves a resource from what it was ({@code before}, may be null) to what it is now. */
    void changed(WALEntry before, WALEntry after) {
        if (before != null && before.getOperation() != Operation.DELETE) {
            remove(before);
        }
        if (after.getOperation() != Operation.DELETE) {
            add(after);
        }
    }

    private void add(WALEntry e) {
        if (e.getResourceType() == ResourceType.namespace) {
            namespaces.computeIfAbsent(e.getTenantId(), t -> new ConcurrentSkipListSet<>()).add(e.getResourceId());
        } else if (e.getNamespace() != null) {
            memories.computeIfAbsent(e.getTenantId(), t -> new ConcurrentHashMap<>())
                    .computeIfAbsent(e.getNamespace(), n -> new ConcurrentSkipListSet<>()).add(e.getResourceId());
        }
    }

    private void remove(WALEntry e) {
        if (e.getResourceType() == ResourceType.namespace) {
            NavigableSet<String> ids = namespaces.get(e.getTenantId());
            if (ids != null) {
                ids.remove(e.getResourceId());
            }
        } else if (e.getNamespace() != null) {
            Map<String, NavigableSet<String>> byNs = memories.get(e.getTenantId());
            if (byNs != null && byNs.get(e.getNamespace()) != null) {
                byNs.get(e.getNamespace()).remove(e.getResourceId());
            }
        }
    }

    List<String> namespaceIds(String tenant) {
        return List.copyOf(namespaces.getOrDefault(tenant, new ConcurrentSkipListSet<>()));
    }

    /** One page of a namespace's memory ids, and how many there are in all. */
    Page memoryIds(String tenant, String namespace, int offset, int limit) {
        NavigableSet<String> ids = memories.getOrDefault(tenant, Map.of()).get(namespace);
        if (ids == null) {
            return new Page(List.of(), 0);
        }
        return new Page(ids.stream().skip(offset).limit(limit).toList(), ids.size());
    }

    void forget(String tenant) {
        namespaces.remove(tenant);
        memories.remove(tenant);
    }

    record Page(List<String> ids, int total) {
    }
}
