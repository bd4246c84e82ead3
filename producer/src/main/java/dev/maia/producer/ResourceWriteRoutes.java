package dev.maia.producer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maia.schemas.http.Access;
import dev.maia.schemas.http.HttpRequest;
import dev.maia.schemas.http.HttpResponse;
import dev.maia.schemas.http.Json;
import dev.maia.schemas.http.ResourceVersion;
import dev.maia.schemas.http.Routes;
import dev.maia.schemas.wal.PositionToken;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * MAIA's write API of one kind of resource ({@code /v1/memories}, {@code /v1/namespaces}): each route
 * reads its path, headers and body, runs the write sequence ({@link ResourceWrites}) and shows the outcome.
 * Every accepted write is one WAL append; nothing is written anywhere else. A write of one resource
 * answers its new version as {@code ETag}; an update or delete may carry {@code If-Match} ({@link IfMatch}).
 *
 * @param <R> the resource's Avro record
 */
final class ResourceWriteRoutes<R> {
    private final ResourceWrites<R> writes;
    private final ResourceKind<R> kind;
    private final boolean batch;

    /** {@code batch}: whether the kind has MAIA's {@code POST .../batch} (memories do). */
    ResourceWriteRoutes(ResourceWrites<R> writes, boolean batch) {
        this.writes = writes;
        this.kind = writes.kind();
        this.batch = batch;
    }

    void mount(Routes router) {
        String collection = "/v1/" + kind.plural();
        router.add("POST", collection, Access.TENANT, this::create);
        if (batch) {
            router.add("POST", collection + "/batch", Access.TENANT, this::createBatch);
        }
        router.add("PUT", collection + "/{id}", Access.TENANT, this::update);
        router.add("DELETE", collection + "/{id}", Access.TENANT, this::delete);
    }

    private HttpResponse create(HttpRequest request) throws InterruptedException {
        String tenant = request.tenant();
        ResourceWrites.Accepted<R> accepted = writes.create(tenant, Json.parseObject(request.body()), request.path());
        return answer(201, kind.toJson(accepted.resource()), accepted);
    }

    private HttpResponse createBatch(HttpRequest request) throws InterruptedException {
        String tenant = request.tenant();
        JsonNode body = Json.parseObject(request.body());
        ResourceWrites.Accepted<R> accepted = writes.createAll(tenant, body.get(kind.plural()), request.path());
        List<PositionToken> positions = accepted.written().positions();
        List<Map<String, Object>> results = new ArrayList<>();
        for (int i = 0; i < positions.size(); i++) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("index", i);
            r.put("status", 201);
            r.put(kind.type().name(), kind.toJson(accepted.resources().get(i)));
            r.put("position", positions.get(i));
            results.add(r);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("results", results);
        putReplication(out, accepted.written());
        return HttpResponse.json(201, out);
    }

    private HttpResponse update(HttpRequest request) throws InterruptedException {
        String tenant = request.tenant();
        JsonNode body = Json.parseObject(request.body());
        ResourceWrites.Accepted<R> accepted = writes.update(tenant, request.pathParam("id"), body, ifMatch(request), request.path());
        return answer(200, kind.toJson(accepted.resource()), accepted);
    }

    private HttpResponse delete(HttpRequest request) throws InterruptedException {
        String tenant = request.tenant();
        ResourceWrites.Accepted<R> accepted = writes.delete(tenant, request.pathParam("id"), ifMatch(request), request.path());
        return answer(200, Map.of("deleted", true), accepted);
    }

    private static IfMatch ifMatch(HttpRequest request) {
        return IfMatch.parse(request.header(ResourceVersion.IF_MATCH_HEADER));
    }

    /**
     * The resource with where the write sits ({@code position}, also as {@code X-MAIA-Position} for a
     * read-your-writes read elsewhere) and, for semi-sync and sync tenants, which replicas had it; its new
     * version as {@code ETag} (after a delete, the tombstone's).
     */
    private static HttpResponse answer(int status, Map<String, Object> resource, ResourceWrites.Accepted<?> accepted) {
        WalWriter.Written written = accepted.written();
        Map<String, Object> out = new LinkedHashMap<>(resource);
        out.put("position", written.position());
        putReplication(out, written);
        return HttpResponse.json(status, out).withHeader(PositionToken.HEADER, written.position().toHeader())
                .withHeader(ResourceVersion.ETAG_HEADER, ResourceVersion.etag(accepted.version()));
    }

    private static void putReplication(Map<String, Object> out, WalWriter.Written written) {
        if (written.replication() != null) {
            out.put("replication", written.replication().toJson());
        }
    }
}
