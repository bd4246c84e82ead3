package dev.maia.apply.read;

import dev.maia.schemas.avro.Memory;
import dev.maia.schemas.avro.Namespace;
import dev.maia.schemas.avro.ResourceType;
import dev.maia.schemas.avro.WALEntry;
import dev.maia.schemas.http.ApiException;
import dev.maia.schemas.http.HttpRequest;
import dev.maia.schemas.http.HttpResponse;
import dev.maia.schemas.http.Routes;
import dev.maia.schemas.http.Access;
import dev.maia.schemas.http.ResourceVersion;
import dev.maia.schemas.json.MemoryJson;
import dev.maia.schemas.json.NamespaceJson;
import dev.maia.apply.position.PositionTracker;
import dev.maia.apply.store.ReplicaStore;
import dev.maia.schemas.wal.PositionToken;

import java.util.Map;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;

/** The read API, served from this region's replica store: reads never leave the region. */
public final class ReadRoutes {
    public static final String MIN_POSITION_HEADER = "X-MAIA-Min-Position";

    private final ReplicaStore store;
    private final PositionTracker positions;
    private final long readWaitMs;
    private final PrimaryLocator primaries;

    /** Where to send a read that could not wait long enough; empty to answer 504 instead. */
    @FunctionalInterface
    public interface PrimaryLocator {
        Optional<String> primaryEndpoint(String tenant);
    }

    public ReadRoutes(ReplicaStore store, PositionTracker positions, long readWaitMs, PrimaryLocator primaries) {
        this.store = store;
        this.positions = positions;
        this.readWaitMs = readWaitMs;
        this.primaries = primaries;
    }

    public void mount(Routes router) {
        router.add("GET", "/v1/memories/{id}", Access.TENANT, this::getMemory);
        router.add("GET", "/v1/namespaces/{id}", Access.TENANT, this::getNamespace);
        router.add("GET", "/v1/namespaces", Access.TENANT, this::listNamespaces);
        router.add("GET", "/v1/namespaces/{id}/memories", Access.TENANT, this::listMemories);
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
        if (positions.awaitApplied(token.region(), tenant, token.partition(), token.offset(), readWaitMs)) {
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

    HttpResponse listNamespaces(HttpRequest request) throws InterruptedException {
        String tenant = request.tenant();
        awaitMinPosition(request, tenant);
        List<Object> out = new ArrayList<>();
        for (String id : store.namespaceIds(tenant)) {
            store.live(tenant, ResourceType.namespace, id).ifPresent(e -> out.add(NamespaceJson.toJson((Namespace) e.getData())));
        }
        return HttpResponse.json(200, Map.of("namespaces", out, "total", out.size()));
    }

    /** A namespace's memories, oldest first, {@code limit} (default 50, at most 1000) from {@code offset}. */
    HttpResponse listMemories(HttpRequest request) throws InterruptedException {
        String tenant = request.tenant();
        awaitMinPosition(request, tenant);
        String id = request.pathParam("id");
        WALEntry ns = store.live(tenant, ResourceType.namespace, id)
                .orElseThrow(() -> ApiException.notFound("namespace " + id + " not found"));
        int limit = intParam(request, "limit", 50, 1, 1000);
        int offset = intParam(request, "offset", 0, 0, Integer.MAX_VALUE);
        ReplicaStore.Page page = store.memoryIds(tenant, ((Namespace) ns.getData()).getName(), offset, limit);
        List<Object> memories = new ArrayList<>();
        for (String memoryId : page.ids()) {
            store.live(tenant, ResourceType.memory, memoryId).ifPresent(e -> memories.add(MemoryJson.toJson((Memory) e.getData())));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("memories", memories);
        out.put("total", page.total());
        out.put("limit", limit);
        out.put("offset", offset);
        return HttpResponse.json(200, out);
    }

    private static int intParam(HttpRequest request, String name, int byDefault, int min, int max) {
        String raw = request.queryParam(name);
        if (raw == null) {
            return byDefault;
        }
        try {
            int v = Integer.parseInt(raw);
            if (v < min || v > max) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw ApiException.invalidInput(name, name + " must be an integer from " + min + " to " + max);
        }
    }

    HttpResponse getNamespace(HttpRequest request) throws InterruptedException {
        String id = request.pathParam("id");
        awaitMinPosition(request, request.tenant());
        WALEntry entry = store.live(request.tenant(), ResourceType.namespace, id)
                .orElseThrow(() -> ApiException.notFound("namespace " + id + " not found"));
        return found(NamespaceJson.toJson((Namespace) entry.getData()), entry);
    }
}
