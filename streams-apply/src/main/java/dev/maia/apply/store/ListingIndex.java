package dev.maia.apply.store;

import dev.maia.schemas.avro.Operation;
import dev.maia.schemas.avro.ResourceType;
import dev.maia.schemas.avro.WALEntry;

import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * Which live namespaces a tenant has and which live memories each namespace holds, sorted by id (ULIDs
 * sort by creation), and which live namespaces bear each name. Chronicle Map has no order, so listings,
 * lookups by name and counts ({@code /v1/stats}) come from this index; it lives in memory, is rebuilt from
 * the store on open and follows every change of a winning entry.
 */
final class ListingIndex {
    private final Map<String, NavigableSet<String>> namespaces = new ConcurrentHashMap<>();
    /** tenant, then namespace name (a namespace entry's {@code namespace} field), then the ids bearing it. */
    private final Map<String, Map<String, NavigableSet<String>>> namespaceNames = new ConcurrentHashMap<>();
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
            if (e.getNamespace() != null) {
                namespaceNames.computeIfAbsent(e.getTenantId(), t -> new ConcurrentHashMap<>())
                        .computeIfAbsent(e.getNamespace(), n -> new ConcurrentSkipListSet<>()).add(e.getResourceId());
            }
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
            removeFrom(namespaceNames, e);
        } else {
            removeFrom(memories, e);
        }
    }

    /**
     * Takes the resource out of its name's set. A set left empty stays: entries of one tenant are applied
     * by several stream threads, and a dropped set could take a concurrent add with it.
     */
    private static void removeFrom(Map<String, Map<String, NavigableSet<String>>> index, WALEntry e) {
        if (e.getNamespace() == null) {
            return;
        }
        Map<String, NavigableSet<String>> byName = index.get(e.getTenantId());
        NavigableSet<String> ids = byName == null ? null : byName.get(e.getNamespace());
        if (ids != null) {
            ids.remove(e.getResourceId());
        }
    }

    List<String> namespaceIds(String tenant) {
        return List.copyOf(namespaces.getOrDefault(tenant, new ConcurrentSkipListSet<>()));
    }

    /** The ids of the live namespaces named {@code name}, sorted. */
    List<String> namespacesNamed(String tenant, String name) {
        NavigableSet<String> ids = namespaceNames.getOrDefault(tenant, Map.of()).get(name);
        return ids == null ? List.of() : List.copyOf(ids);
    }

    /** How many live memories each namespace name holds, by name; names holding none are absent. */
    SortedMap<String, Integer> memoryCounts(String tenant) {
        SortedMap<String, Integer> counts = new TreeMap<>();
        memories.getOrDefault(tenant, Map.of()).forEach((name, ids) -> {
            int n = ids.size();
            if (n > 0) {
                counts.put(name, n);
            }
        });
        return counts;
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
        namespaceNames.remove(tenant);
        memories.remove(tenant);
    }

    record Page(List<String> ids, int total) {
    }
}
