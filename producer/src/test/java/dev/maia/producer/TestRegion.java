package dev.maia.producer;

import dev.maia.schemas.topology.KafkaSecurity;
import com.fasterxml.jackson.databind.JsonNode;
import dev.maia.schemas.avro.ResourceType;
import dev.maia.schemas.avro.WALEntry;
import dev.maia.schemas.http.ApiException;
import dev.maia.schemas.http.HttpResponse;
import dev.maia.schemas.http.Json;
import dev.maia.schemas.wal.AvroClasses;
import dev.maia.schemas.wal.HybridLogicalClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The write API of region {@value #REGION} on in-memory fakes of its WAL, current state and placements,
 * called as its server would call it for tenant {@value #TENANT}.
 */
final class TestRegion {
    static {
        AvroClasses.trust();
    }

    static final String REGION = "us-west";
    static final String TENANT = "acme";
    /** The wall clock of this region: fixed, so that a clock read elsewhere can be ahead of it. */
    static final long NOW_MS = 1_700_000_000_000L;

    final MapCurrentState state = new MapCurrentState();
    final InMemoryWal wal = new InMemoryWal(REGION, state::apply);
    final FakePlacements placements = new FakePlacements(REGION);
    final CapturedRoutes routes = new CapturedRoutes();
    /** What each replica region has applied, as semi-sync and sync writes see it: every write, unless told otherwise. */
    final Set<String> replicasThatApply = ConcurrentHashMap.newKeySet();

    TestRegion() {
        this(OwnWrites.DEFAULT_CAPACITY);
    }

    /** A region in which at most {@code ownWritesCapacity} of its own writes may wait for its apply. */
    TestRegion(int ownWritesCapacity) {
        AppliedPositions positions = (regions, needed, origin, tenant, offsets, timeoutMs) -> Set.copyOf(
                regions.stream().filter(replicasThatApply::contains).toList());
        new WriteApi(REGION, placements, wal, state, new HybridLogicalClock(() -> NOW_MS),
                new ReplicationWait(REGION, positions, WriteConfig.defaults(REGION, "unused:9092", KafkaSecurity.plaintext()), new SimpleMeterRegistry()),
                new SimpleMeterRegistry(), WriteLimits.DEFAULTS, ownWritesCapacity).mount(routes);
    }

    HttpResponse call(String method, String path, String body) throws Exception {
        return routes.call(TENANT, method, path, body);
    }

    HttpResponse call(String method, String path, String body, Map<String, String> headers) throws Exception {
        return routes.call(TENANT, method, path, body, headers);
    }

    /** The status a call ends in, whether answered or refused (as the server would answer it). */
    int status(String method, String path, String body) throws Exception {
        try {
            return call(method, path, body).status();
        } catch (ApiException e) {
            return e.status();
        }
    }

    /** The live resource as the region's store holds it once applied. */
    Object stored(ResourceType type, String id) {
        return state.live(TENANT, type, id).map(WALEntry::getData).orElse(null);
    }

    /** The call's answer as a client reads it, once its status is as expected. */
    JsonNode json(String method, String path, String body, int expectedStatus) throws Exception {
        HttpResponse response = call(method, path, body);
        assertThat(response.status()).as("%s %s", method, path).isEqualTo(expectedStatus);
        return body(response);
    }

    /** The JSON body the server would write. */
    static JsonNode body(HttpResponse response) {
        return Json.MAPPER.valueToTree(response.body());
    }

    /** The refusal a call ends in (the server answers it as {@code {error, code, details}} with its status and headers). */
    ApiException refusal(String method, String path, String body) {
        ApiException e = catchThrowableOfType(() -> call(method, path, body), ApiException.class);
        assertThat(e).as("%s %s is refused", method, path).isNotNull();
        return e;
    }

    /** A refusal's {@code details} as a client reads them. */
    static JsonNode details(ApiException e) {
        return Json.MAPPER.valueToTree(e.details());
    }
}
