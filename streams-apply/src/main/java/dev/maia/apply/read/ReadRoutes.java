package dev.maia.apply.read;

import dev.maia.schemas.avro.Memory;
import dev.maia.schemas.avro.Namespace;
import dev.maia.schemas.avro.ResourceType;
import dev.maia.schemas.avro.WALEntry;
import dev.maia.schemas.http.ApiException;
import dev.maia.schemas.http.HttpRequest;
import dev.maia.schemas.http.HttpResponse;
import dev.maia.schemas.http.HttpRouter;
import dev.maia.schemas.http.Access;
import dev.maia.schemas.json.MemoryJson;
import dev.maia.schemas.json.NamespaceJson;
import dev.maia.schemas.read.CurrentState;

/** The read API, served from this region's replica store: reads never leave the region. */
public final class ReadRoutes {
    private final CurrentState store;

    public ReadRoutes(CurrentState store) {
        this.store = store;
    }

    public void mount(HttpRouter router) {
        router.add("GET", "/v1/memories/{id}", Access.TENANT, this::getMemory);
        router.add("GET", "/v1/namespaces/{id}", Access.TENANT, this::getNamespace);
    }

    HttpResponse getMemory(HttpRequest request) {
        String tenant = request.tenant();
        String id = request.pathParam("id");
        WALEntry entry = store.live(tenant, ResourceType.memory, id)
                .orElseThrow(() -> ApiException.notFound("memory " + id + " not found"));
        return HttpResponse.json(200, MemoryJson.toJson((Memory) entry.getData()));
    }

    HttpResponse getNamespace(HttpRequest request) {
        String id = request.pathParam("id");
        WALEntry entry = store.live(request.tenant(), ResourceType.namespace, id)
                .orElseThrow(() -> ApiException.notFound("namespace " + id + " not found"));
        return HttpResponse.json(200, NamespaceJson.toJson((Namespace) entry.getData()));
    }
}
