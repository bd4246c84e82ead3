package dev.maia.producer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maia.schemas.avro.Memory;
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
import dev.maia.schemas.json.MemoryJson;
import dev.maia.schemas.read.CurrentState;
import dev.maia.schemas.wal.HybridLogicalClock;
import dev.maia.schemas.wal.PositionToken;
import dev.maia.schemas.wal.WalEntries;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** MAIA's memory write API. Every accepted write is one WAL append; nothing is written anywhere else. */
final class MemoryWriteRoutes {
    private final String region;
    private final WalWriter writer;
    private final CurrentState state;
    private final MemoryRequests requests;
    private final int maxBatchItems;

    MemoryWriteRoutes(String region, WalWriter writer, CurrentState state, WriteLimits limits) {
        this.region = region;
        this.writer = writer;
        this.state = state;
        this.requests = new MemoryRequests(limits);
        this.maxBatchItems = limits.maxBatchItems();
    }

    void mount(Routes router) {
        router.add("POST", "/v1/memories", Access.TENANT, this::create);
        router.add("POST", "/v1/memories/batch", Access.TENANT, this::createBatch);
        router.add("PUT", "/v1/memories/{id}", Access.TENANT, this::update);
        router.add("DELETE", "/v1/memories/{id}", Access.TENANT, this::delete);
    }

    private HttpResponse create(HttpRequest request) throws Exception {
        String tenant = request.tenant();
        JsonNode body = Json.parseObject(request.body());
        PreparedCreate prepared = prepareCreate(tenant, body);
        Placement placement = writer.requirePrimary(tenant, request, true);
        WALEntry entry = prepared.entry(placement);
        return answer(201, MemoryJson.toJson((Memory) entry.getData()), writer.append(entry, placement));
    }

    /** A validated create, waiting for the placement epoch it will be written under. */
    private record PreparedCreate(String tenant, String region, Memory memory, long hlc) {
        WALEntry entry(Placement placement) {
            return WalEntries.memoryChange(Operation.CREATE, tenant, memory.getId(), memory.getNamespace(), memory, hlc,
                    region, placement.getEpoch());
        }
    }

    private PreparedCreate prepareCreate(String tenant, JsonNode body) throws InterruptedException {
        String id = requests.idFor(body);
        if (body.hasNonNull("id")) {
            // Only a client-chosen id can already exist; a new ULID needs no look at the current state.
            writer.awaitOwnWrites(tenant, state);
        }
        if (state.live(tenant, ResourceType.memory, id).isPresent()) {
            throw new ApiException(409, "ALREADY_EXISTS", "memory " + id + " already exists", Map.of("field", "id"));
        }
        // A create may follow a delete of the same id: it must order after that tombstone.
        long hlc = writer.stamp(state.current(tenant, ResourceType.memory, id).orElse(null));
        Memory memory = requests.create(body, id, Instant.ofEpochMilli(HybridLogicalClock.millis(hlc)));
        return new PreparedCreate(tenant, region, memory, hlc);
    }

    /** All or nothing: every item is validated before anything is appended, and the append is one transaction. */
    private HttpResponse createBatch(HttpRequest request) throws Exception {
        String tenant = request.tenant();
        JsonNode body = Json.parseObject(request.body());
        JsonNode items = body.get("memories");
        if (items == null || !items.isArray() || items.isEmpty()) {
            throw ApiException.invalidInput("memories", "memories must be a non-empty array of memory objects");
        }
        if (items.size() > maxBatchItems) {
            throw ApiException.invalidInput("memories", "at most " + maxBatchItems + " memories per batch");
        }
        List<PreparedCreate> prepared = new ArrayList<>();
        List<Map<String, Object>> errors = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < items.size(); i++) {
            try {
                JsonNode item = items.get(i);
                if (!item.isObject()) {
                    throw ApiException.invalidInput("memories[" + i + "]", "each item must be a JSON object");
                }
                PreparedCreate p = prepareCreate(tenant, item);
                if (!ids.add(p.memory().getId())) {
                    throw new ApiException(409, "ALREADY_EXISTS", "id " + p.memory().getId() + " appears twice in the batch", Map.of("field", "id"));
                }
                prepared.add(p);
            } catch (ApiException e) {
                Map<String, Object> err = new LinkedHashMap<>();
                err.put("index", i);
                err.put("status", e.status());
                err.put("code", e.code());
                err.put("error", e.getMessage());
                err.put("details", e.details());
                errors.add(err);
            }
        }
        if (!errors.isEmpty()) {
            throw new ApiException(400, "INVALID_INPUT", errors.size() + " of " + items.size()
                    + " items were refused; nothing was written", Map.of("items", errors));
        }
        Placement placement = writer.requirePrimary(tenant, request, true);
        List<WALEntry> entries = prepared.stream().map(p -> p.entry(placement)).toList();
        WalWriter.Written written = writer.appendAll(entries, placement);
        List<PositionToken> positions = written.positions();
        List<Map<String, Object>> results = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("index", i);
            r.put("status", 201);
            r.put("memory", MemoryJson.toJson((Memory) entries.get(i).getData()));
            r.put("position", positions.get(i));
            results.add(r);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("results", results);
        if (written.replication() != null) {
            out.put("replication", written.replication().toJson());
        }
        return HttpResponse.json(201, out);
    }

    private HttpResponse update(HttpRequest request) throws Exception {
        String tenant = request.tenant();
        String id = requests.validateId(request.pathParam("id"));
        JsonNode body = Json.parseObject(request.body());
        Placement placement = writer.requirePrimary(tenant, request, false);
        writer.awaitOwnWrites(tenant, state);
        WALEntry current = live(tenant, id);
        long hlc = writer.stamp(current);
        Memory memory = requests.update(body, (Memory) current.getData(), Instant.ofEpochMilli(HybridLogicalClock.millis(hlc)));
        WalWriter.Written written = writer.append(WalEntries.memoryChange(Operation.UPDATE, tenant, id, memory.getNamespace(),
                memory, hlc, region, placement.getEpoch()), placement);
        return answer(200, MemoryJson.toJson(memory), written);
    }

    private HttpResponse delete(HttpRequest request) throws Exception {
        String tenant = request.tenant();
        String id = requests.validateId(request.pathParam("id"));
        Placement placement = writer.requirePrimary(tenant, request, false);
        writer.awaitOwnWrites(tenant, state);
        WALEntry current = live(tenant, id);
        long hlc = writer.stamp(current);
        WalWriter.Written written = writer.append(WalEntries.memoryChange(Operation.DELETE, tenant, id, current.getNamespace(),
                null, hlc, region, placement.getEpoch()), placement);
        return answer(200, new LinkedHashMap<>(Map.of("deleted", true)), written);
    }

    private WALEntry live(String tenant, String id) {
        return state.live(tenant, ResourceType.memory, id)
                .orElseThrow(() -> ApiException.notFound("memory " + id + " not found"));
    }

    /**
     * The resource with where the write sits ({@code position}, also as {@code X-MAIA-Position} for a
     * read-your-writes read elsewhere) and, for semi-sync and sync tenants, which replicas had it.
     */
    static HttpResponse answer(int status, Map<String, Object> resource, WalWriter.Written written) {
        Map<String, Object> out = new LinkedHashMap<>(resource);
        out.put("position", written.position());
        if (written.replication() != null) {
            out.put("replication", written.replication().toJson());
        }
        return HttpResponse.json(status, out).withHeader(PositionToken.HEADER, written.position().toHeader());
    }
}
