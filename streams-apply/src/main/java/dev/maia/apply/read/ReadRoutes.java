package dev.maia.apply.read;

import dev.maia.schemas.avro.Memory;
import dev.maia.schemas.avro.Namespace;
import dev.maia.schemas.avro.ResourceType;
import dev.maia.schemas.avro.WALEntry;
import dev.maia.schemas.http.ApiException;
import dev.maia.schemas.http.HttpRequest;
import dev.maia.schemas.http.ListPage;
import dev.maia.schemas.http.HttpResponse;
import dev.maia.schemas.http.Routes;
import dev.maia.schemas.http.Access;
import dev.maia.schemas.http.ResourceVersion;
import dev.maia.schemas.json.MemoryJson;
import dev.maia.schemas.json.NamespaceJson;
import dev.maia.schemas.read.NamespaceLookup;
import dev.maia.apply.position.PositionTracker;
import dev.maia.apply.store.ReplicaStore;
import dev.maia.schemas.wal.PositionToken;

import java.util.Map;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/** The read API, served from this region's replica store: reads never leave the region. */
public final class ReadRoutes {
    public static final String MIN_POSITION_HEADER = "X-MAIA-Min-Position";

    private final String region;
    private final ReplicaStore store;
    private final AppliedState state;
    private final PositionTracker positions;
    private final long readWaitMs;
    private final PrimaryLocator primaries;

    /** Where to send a read that could not wait long enough; empty to answer 504 instead. */
    @FunctionalInterface
    public interface PrimaryLocator {
        Optional<String> primaryEndpoint(String tenant);
    }

    public ReadRoutes(String region, ReplicaStore store, PositionTracker positions, long readWaitMs, PrimaryLocator primaries) {
        this.region = region;
        this.store = store;
        this.state = new AppliedState(store, positions);
        this.positions = positions;
        this.readWaitMs = readWaitMs;
        this.primaries = primaries;
    }

    public void mount(Routes router) {
        router.add("GET", "/v1/memories/{id}", Access.TENANT, this::getMemory);
        router.add("GET", "/v1/namespaces/{id}", Access.TENANT, this::getNamespace);
        router.add("GET", "/v1/namespaces", Access.TENANT, this::listNamespaces);
        router.add("GET", "/v1/namespaces/{id}/memories", Access.TENANT, this::listMemories);
        router.add("GET", "/v1/stats", Access.TENANT, this::stats);
    }

    HttpResponse getMemory(HttpRequest request) throws InterruptedException {
        String tenant = request.tenant();
        String id = request.pathParam("id");
        awaitMinPosition(request, tenant);
        WALEntry entry = store.live(tenant, ResourceType.memory, id)
                .orElseThrow(() -> ApiException.notFound("memory " + id + " not found"));
        return found(MemoryJson.toJson((Memory) entry.getData()), entry);
    }

    /**
     * A resource with its version as {@code ETag}: the id of the entry that is its state here, which a
     * client sends back as {@code If-Match} to change exactly what it read.
     */
    private static HttpResponse found(Map<String, Object> resource, WALEntry entry) {
        return HttpResponse.json(200, resource).withHeader(ResourceVersion.ETAG_HEADER, ResourceVersion.etag(entry.getId()));
    }

    /**
     * Read-your-writes: a read that carries a write's position ({@code X-MAIA-Min-Position} or
     * {@code min_position}) waits until this region has applied it, up to {@code read_wait_ms}; then
     * it is redirected to the tenant's primary, or answered 504. Reads without one never wait.
     */
    void awaitMinPosition(HttpRequest request, String tenant) throws InterruptedException {
        String raw = request.header(MIN_POSITION_HEADER);
        if (raw == null) {
            raw = request.queryParam("min_position");
        }
        if (raw == null) {
            return;
        }
        PositionToken token;
        try {
            token = PositionToken.parse(raw, tenant);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalidInput("min_position", e.getMessage());
        }
        if (positions.awaitPassed(token.region(), tenant, token.partition(), token.offset(), readWaitMs)) {
            return;
        }
        Optional<String> primary = primaries.primaryEndpoint(tenant);
        if (primary.isPresent()) {
            throw new ApiException(307, "POSITION_NOT_REACHED", "this region has not applied " + raw + " yet; read from the primary",
                    Map.of("position", raw), Map.of("Location", primary.get() + request.path() + "?min_position=" + raw,
                    "X-MAIA-Redirect-Reason", "position-not-reached"));
        }
        throw new ApiException(504, "POSITION_NOT_REACHED", "this region has not applied " + raw + " within " + readWaitMs + " ms",
                Map.of("position", raw, "applied", positions.appliedOffset(token.region(), tenant, token.partition())));
    }

    /** The tenant's live namespaces in this region, oldest first (ids are ULIDs unless a client chose them). */
    HttpResponse listNamespaces(HttpRequest request) throws InterruptedException {
        String tenant = request.tenant();
        ListPage page = ListPage.withCursor(request);
        awaitMinPosition(request, tenant);
        List<String> ids = store.namespaceIds(tenant);
        int start = page.start(ids);
        List<String> pageIds = page.from(ids, start);
        List<Object> data = new ArrayList<>();
        for (String id : pageIds) {
            store.live(tenant, ResourceType.namespace, id).ifPresent(e -> data.add(NamespaceJson.toJson((Namespace) e.getData())));
        }
        return HttpResponse.json(200, page.answer(data, pageIds, start, ids.size()));
    }

    /**
     * A namespace's memories (the namespace named by id or by name), oldest first. The page comes from the
     * store's ordered index by offset or by cursor alike: a deep page costs what the first one does.
     */
    HttpResponse listMemories(HttpRequest request) throws InterruptedException {
        String tenant = request.tenant();
        ListPage page = ListPage.withCursor(request);
        awaitMinPosition(request, tenant);
        WALEntry ns = namespace(tenant, request.pathParam("id"));
        String name = ((Namespace) ns.getData()).getName();
        ReplicaStore.Page ids = page.after() == null
                ? store.memoryIds(tenant, name, page.offset(), page.limit())
                : store.memoryIdsAfter(tenant, name, page.after(), page.limit());
        List<Object> data = new ArrayList<>();
        for (String memoryId : ids.ids()) {
            store.live(tenant, ResourceType.memory, memoryId).ifPresent(e -> data.add(MemoryJson.toJson((Memory) e.getData())));
        }
        return HttpResponse.json(200, page.answer(data, ids.ids(), ids.offset(), ids.total()));
    }

    /**
     * The tenant's counts in this region's store: from the listing index the store keeps as it changes,
     * so the cost is one lookup per live namespace, whatever the number of memories. A memory names its
     * namespace by name; memories under a name no live namespace bears (MAIA does not require one, and a
     * deleted namespace leaves its memories) are listed with {@code id: null}.
     */
    HttpResponse stats(HttpRequest request) throws InterruptedException {
        String tenant = request.tenant();
        awaitMinPosition(request, tenant);
        SortedMap<String, Integer> counts = new TreeMap<>(store.memoryCounts(tenant));
        long totalMemories = counts.values().stream().mapToLong(Integer::longValue).sum();
        List<Object> namespaces = new ArrayList<>();
        int declared = 0;
        for (String id : store.namespaceIds(tenant)) {
            Optional<WALEntry> ns = store.live(tenant, ResourceType.namespace, id);
            if (ns.isEmpty()) {
                continue;
            }
            declared++;
            String name = ((Namespace) ns.get().getData()).getName();
            // Two namespaces bearing one name (concurrent creates in two primaries) share its memories: counted once.
            Integer memories = counts.remove(name);
            namespaces.add(namespaceStats(id, name, memories == null ? 0 : memories));
        }
        counts.forEach((name, memories) -> namespaces.add(namespaceStats(null, name, memories)));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("tenant_id", tenant);
        out.put("region", region);
        out.put("total_memories", totalMemories);
        out.put("total_namespaces", declared);
        out.put("namespaces", namespaces);
        return HttpResponse.json(200, out);
    }

    private static Map<String, Object> namespaceStats(String id, String name, int memories) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", id);
        out.put("name", name);
        out.put("memories", memories);
        return out;
    }

    /** The live namespace a path names by id or by name ({@link NamespaceLookup}); 404 otherwise. */
    private WALEntry namespace(String tenant, String idOrName) {
        return NamespaceLookup.find(state, tenant, idOrName)
                .orElseThrow(() -> ApiException.notFound("namespace " + idOrName + " not found"));
    }

    /** A namespace named by id or by name. */
    HttpResponse getNamespace(HttpRequest request) throws InterruptedException {
        awaitMinPosition(request, request.tenant());
        WALEntry entry = namespace(request.tenant(), request.pathParam("id"));
        return found(NamespaceJson.toJson((Namespace) entry.getData()), entry);
    }
}
