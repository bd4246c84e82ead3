package dev.maia.producer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maia.schemas.avro.Memory;
import dev.maia.schemas.avro.Operation;
import dev.maia.schemas.avro.ResourceType;
import dev.maia.schemas.avro.WALEntry;
import dev.maia.schemas.http.ApiException;
import dev.maia.schemas.http.HttpRequest;
import dev.maia.schemas.http.HttpResponse;
import dev.maia.schemas.http.HttpRouter;
import dev.maia.schemas.http.Json;
import dev.maia.schemas.http.TenantHeader;
import dev.maia.schemas.json.MemoryJson;
import dev.maia.schemas.read.CurrentState;
import dev.maia.schemas.wal.HybridLogicalClock;
import dev.maia.schemas.wal.PositionToken;
import dev.maia.schemas.wal.Ulid;
import dev.maia.schemas.wal.WalEntries;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** MAIA's memory write API. Every accepted write is one WAL append; nothing is written anywhere else. */
public final class WriteRoutes {
    private static final long PLACEMENT_EPOCH = 0; // placements arrive with the placement admin API

    private final String region;
    private final WalTopicProvisioner topics;
    private final WalAppender appender;
    private final HybridLogicalClock clock;
    private final CurrentState state;
    private final MemoryRequests requests;

    WriteRoutes(String region, WalTopicProvisioner topics, WalAppender appender, HybridLogicalClock clock,
                CurrentState state, WriteLimits limits) {
        this.region = region;
        this.topics = topics;
        this.appender = appender;
        this.clock = clock;
        this.state = state;
        this.requests = new MemoryRequests(limits);
    }

    public void mount(HttpRouter router) {
        router.add("POST", "/v1/memories", this::create);
        router.add("PUT", "/v1/memories/{id}", this::update);
    }

    HttpResponse create(HttpRequest request) throws Exception {
        String tenant = TenantHeader.require(request);
        JsonNode body = Json.parseObject(request.body());
        String id = Ulid.next();
        long hlc = clock.now();
        Memory memory = requests.create(body, id, Instant.ofEpochMilli(HybridLogicalClock.millis(hlc)));
        PositionToken position = append(WalEntries.memoryChange(Operation.CREATE, tenant, id, memory.getNamespace(),
                memory, hlc, region, PLACEMENT_EPOCH));
        return HttpResponse.json(201, withPosition(memory, position));
    }

    HttpResponse update(HttpRequest request) throws Exception {
        String tenant = TenantHeader.require(request);
        String id = requests.validateId(request.pathParam("id"));
        JsonNode body = Json.parseObject(request.body());
        WALEntry current = state.live(tenant, ResourceType.memory, id)
                .orElseThrow(() -> ApiException.notFound("memory " + id + " not found"));
        // The update must order after the state it was built from, whatever clock wrote that state.
        clock.observe(current.getHlc());
        long hlc = clock.now();
        Memory memory = requests.update(body, (Memory) current.getData(), Instant.ofEpochMilli(HybridLogicalClock.millis(hlc)));
        PositionToken position = append(WalEntries.memoryChange(Operation.UPDATE, tenant, id, memory.getNamespace(),
                memory, hlc, region, PLACEMENT_EPOCH));
        return HttpResponse.json(200, withPosition(memory, position));
    }

    private PositionToken append(WALEntry entry) throws InterruptedException {
        topics.ensure(entry.getTenantId());
        try {
            return appender.append(entry).get(60, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new ApiException(503, "WAL_UNAVAILABLE", "the write was not acknowledged by Kafka: " + cause.getMessage(), null);
        }
    }

    private static Map<String, Object> withPosition(Memory memory, PositionToken position) {
        Map<String, Object> out = new LinkedHashMap<>(MemoryJson.toJson(memory));
        out.put("position", position);
        return out;
    }
}
