package dev.maia.producer;

import dev.maia.schemas.avro.Memory;
import dev.maia.schemas.avro.Namespace;
import dev.maia.schemas.avro.ResourceType;
import dev.maia.schemas.avro.WALEntry;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

import static dev.maia.producer.TestRegion.REGION;
import static dev.maia.producer.TestRegion.TENANT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Writes of one resource that reach the primary at the same moment, on a log that takes its time to
 * acknowledge (so that they really overlap), with the region's apply keeping up or lagging: the primary
 * decides a client-chosen id once, and no update is lost.
 */
class ConcurrentWritesTest {
    private static final int CLIENTS = 10;
    private static final long APPEND_MS = 40;

    private final TestRegion region = new TestRegion();

    private void start(boolean applyLags) {
        region.placements.place(TENANT, REGION, 1);
        region.wal.slowAppends(APPEND_MS);
        if (applyLags) {
            region.state.lag();
        }
    }

    /** The status each of {@link #CLIENTS} clients gets for the body it sends. */
    private List<Integer> atOnce(String method, String path, IntFunction<String> bodyOfClient) throws Exception {
        List<Callable<Integer>> calls = IntStream.range(0, CLIENTS)
                .mapToObj(i -> (Callable<Integer>) () -> region.status(method, path, bodyOfClient.apply(i))).toList();
        return AtOnce.run(calls);
    }

    private static void assertOneCreated(List<Integer> statuses) {
        assertThat(statuses).containsOnly(201, 409);
        assertThat(statuses).filteredOn(s -> s == 201).hasSize(1);
    }

    /** Each client its own id, one name: the name is held like an id, so exactly one namespace bears it. */
    @ParameterizedTest(name = "apply lags: {0}")
    @ValueSource(booleans = {false, true})
    void concurrentCreatesOfOneNamespaceNameAreOne201AndTheRest409(boolean applyLags) throws Exception {
        start(applyLags);

        List<Integer> statuses = atOnce("POST", "/v1/namespaces", i -> "{\"id\":\"n" + i + "\",\"name\":\"shared\"}");

        assertOneCreated(statuses);
        assertThat(region.wal.entries()).hasSize(1);
    }

    @ParameterizedTest(name = "apply lags: {0}")
    @ValueSource(booleans = {false, true})
    void concurrentCreatesOfOneMemoryIdAreOne201AndTheRest409(boolean applyLags) throws Exception {
        start(applyLags);

        List<Integer> statuses = atOnce("POST", "/v1/memories",
                i -> "{\"id\":\"m1\",\"namespace\":\"ns\",\"content\":\"client " + i + "\"}");

        assertOneCreated(statuses);
        assertThat(region.wal.entries()).hasSize(1);
        region.state.catchUp();
        Memory stored = (Memory) region.stored(ResourceType.memory, "m1");
        assertThat(stored.getContent()).isEqualTo("client " + statuses.indexOf(201));
    }

    @ParameterizedTest(name = "apply lags: {0}")
    @ValueSource(booleans = {false, true})
    void concurrentCreatesOfOneNamespaceIdAreOne201AndTheRest409(boolean applyLags) throws Exception {
        start(applyLags);

        List<Integer> statuses = atOnce("POST", "/v1/namespaces", i -> "{\"id\":\"n1\",\"name\":\"name-" + i + "\"}");

        assertOneCreated(statuses);
        assertThat(region.wal.entries()).hasSize(1);
        region.state.catchUp();
        assertThat(((Namespace) region.stored(ResourceType.namespace, "n1")).getName()).isEqualTo("name-" + statuses.indexOf(201));
    }

    @ParameterizedTest(name = "apply lags: {0}")
    @ValueSource(booleans = {false, true})
    void concurrentUpdatesOfDifferentFieldsAreAllKept(boolean applyLags) throws Exception {
        start(applyLags);
        region.json("POST", "/v1/memories", "{\"id\":\"m1\",\"namespace\":\"ns\",\"content\":\"hello\",\"confidence\":0.5}", 201);
        List<String> changes = List.of("{\"content\":\"changed\"}", "{\"confidence\":0.9}", "{\"tags\":[\"t\"]}",
                "{\"type\":\"episodic\"}", "{\"source\":\"imported\"}", "{\"metadata\":{\"k\":\"v\"}}");

        List<Callable<Integer>> calls = new ArrayList<>();
        changes.forEach(body -> calls.add(() -> region.status("PUT", "/v1/memories/m1", body)));
        assertThat(AtOnce.run(calls)).containsOnly(200);

        region.state.catchUp();
        Memory stored = (Memory) region.stored(ResourceType.memory, "m1");
        assertThat(stored.getContent()).isEqualTo("changed");
        assertThat(stored.getConfidence()).isEqualTo(0.9);
        assertThat(stored.getTags()).containsExactly("t");
        assertThat(stored.getType().name()).isEqualTo("episodic");
        assertThat(stored.getSource().name()).isEqualTo("imported");
        assertThat(stored.getMetadata()).containsKey("k");
        // Each update ordered after the one it was built on: one after the other, never side by side.
        assertThat(region.wal.entries()).extracting(WALEntry::getHlc).isSorted().doesNotHaveDuplicates();
    }

    @ParameterizedTest(name = "apply lags: {0}")
    @ValueSource(booleans = {false, true})
    void aBatchAndCreatesOfOneOfItsIdsAtOnceWriteTheIdOnceAndTheBatchWhollyOrNotAtAll(boolean applyLags) throws Exception {
        start(applyLags);
        String batch = "{\"memories\":[{\"id\":\"b1\",\"namespace\":\"ns\",\"content\":\"batch\"},"
                + "{\"id\":\"shared\",\"namespace\":\"ns\",\"content\":\"batch\"},{\"id\":\"b3\",\"namespace\":\"ns\",\"content\":\"batch\"}]}";

        List<Callable<Integer>> calls = new ArrayList<>();
        calls.add(() -> region.status("POST", "/v1/memories/batch", batch));
        for (int i = 0; i < CLIENTS; i++) {
            String body = "{\"id\":\"shared\",\"namespace\":\"ns\",\"content\":\"single " + i + "\"}";
            calls.add(() -> region.status("POST", "/v1/memories", body));
        }
        List<Integer> statuses = AtOnce.run(calls);

        boolean batchWon = statuses.get(0) == 201;
        List<Integer> singles = statuses.subList(1, statuses.size());
        if (batchWon) {
            assertThat(singles).containsOnly(409);
        } else {
            assertThat(statuses.get(0)).as("the batch, refused because an item's id was taken").isEqualTo(400);
            assertOneCreated(singles);
        }
        List<String> written = region.wal.entries().stream().map(WALEntry::getResourceId).toList();
        assertThat(written).filteredOn("shared"::equals).hasSize(1);
        assertThat(written).filteredOn(id -> id.equals("b1") || id.equals("b3")).hasSize(batchWon ? 2 : 0);
    }
}
