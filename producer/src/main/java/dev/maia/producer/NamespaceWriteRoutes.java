package dev.maia.producer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maia.schemas.avro.Namespace;
import dev.maia.schemas.avro.Operation;
import dev.maia.schemas.avro.Placement;
import dev.maia.schemas.avro.ResourceType;
import dev.maia.schemas.avro.WALEntry;
import dev.maia.schemas.http.Access;
import dev.maia.schemas.http.ApiException;
import dev.maia.schemas.http.HttpRequest;
import dev.maia.schemas.http.HttpResponse;
import dev.maia.schemas.http.Routes;
import dev.maia.schemas.http.Json;
import dev.maia.schemas.json.NamespaceJson;
import dev.maia.schemas.read.CurrentState;
import dev.maia.schemas.wal.HybridLogicalClock;
import dev.maia.schemas.wal.WalEntries;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** MAIA's namespace write API, through the WAL like every other write. */
final class NamespaceWriteRoutes {
    private final String region;
    private final WalWriter writer;
    private final CurrentState state;
    private final NamespaceRequests requests;
    private final MemoryRequests ids;

    NamespaceWriteRoutes(String region, WalWriter writer, CurrentState state, WriteLimits limits) {
        this.region = region;
        this.writer = writer;
        this.state = state;
        this.requests = new NamespaceRequests(limits);
        this.ids = new MemoryRequests(limits);
    }

    void mount(Routes router) {
        router.add("POST", "/v1/namespaces", Access.TENANT, this::create);
        router.add("PUT", "/v1/namespaces/{id}", Access.TENANT, this::update);
        router.add("DELETE", "/v1/namespaces/{id}", Access.TENANT, this::delete);
    }

    private HttpResponse create(HttpRequest request) throws Exception {
        String tenant = request.tenant();
        JsonNode body = Json.parseObject(request.body());
        String id = ids.idFor(body);
        if (body.hasNonNull("id")) {
            writer.awaitOwnWrites(tenant, state);
        }
        if (state.live(tenant, ResourceType.namespace, id).isPresent()) {
            throw new ApiException(409, "ALREADY_EXISTS", "namespace " + id + " already exists", Map.of("field", "id"));
        }
        long hlc = writer.stamp(state.current(tenant, ResourceType.namespace, id).orElse(null));
        Namespace ns = requests.create(body, id, Instant.ofEpochMilli(HybridLogicalClock.millis(hlc)));
        Placement placement = writer.requirePrimary(tenant, request, true);
        return MemoryWriteRoutes.answer(201, NamespaceJson.toJson(ns),
                writer.append(WalEntries.namespaceChange(Operation.CREATE, tenant, id, ns, hlc, region, placement.getEpoch()), placement));
    }

    private HttpResponse update(HttpRequest request) throws Exception {
        String tenant = request.tenant();
        String id = ids.validateId(request.pathParam("id"));
        JsonNode body = Json.parseObject(request.body());
        Placement placement = writer.requirePrimary(tenant, request, false);
        writer.awaitOwnWrites(tenant, state);
        WALEntry current = live(tenant, id);
        long hlc = writer.stamp(current);
        Namespace ns = requests.update(body, (Namespace) current.getData(), Instant.ofEpochMilli(HybridLogicalClock.millis(hlc)));
        return MemoryWriteRoutes.answer(200, NamespaceJson.toJson(ns),
                writer.append(WalEntries.namespaceChange(Operation.UPDATE, tenant, id, ns, hlc, region, placement.getEpoch()), placement));
    }

    private HttpResponse delete(HttpRequest request) throws Exception {
        String tenant = request.tenant();
        String id = ids.validateId(request.pathParam("id"));
        Placement placement = writer.requirePrimary(tenant, request, false);
        writer.awaitOwnWrites(tenant, state);
        WALEntry current = live(tenant, id);
        long hlc = writer.stamp(current);
        return MemoryWriteRoutes.answer(200, new LinkedHashMap<>(Map.of("deleted", true)),
                writer.append(WalEntries.namespaceChange(Operation.DELETE, tenant, id, null, hlc, region, placement.getEpoch()), placement));
    }

    private WALEntry live(String tenant, String id) {
        return state.live(tenant, ResourceType.namespace, id)
                .orElseThrow(() -> ApiException.notFound("namespace " + id + " not found"));
    }
}
