package dev.maia.producer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maia.schemas.avro.WALEntry;
import dev.maia.schemas.http.ApiException;
import org.junit.jupiter.api.Test;

import java.util.Collections;
import java.util.List;

import static dev.maia.producer.TestRegion.REGION;
import static dev.maia.producer.TestRegion.TENANT;
import static dev.maia.producer.TestRegion.details;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code POST /v1/memories/batch}: all or nothing, on an in-memory WAL. */
class MemoryBatchWritesTest {
    private final TestRegion region = new TestRegion();

    private static String memory(String id, String content) {
        return "{\"id\":\"" + id + "\",\"namespace\":\"ns\",\"content\":\"" + content + "\"}";
    }

    private static String batch(String... items) {
        return "{\"memories\":[" + String.join(",", items) + "]}";
    }

    @Test
    void aBatchIsAppendedAsOneUnitInItsOrder() throws Exception {
        region.placements.place(TENANT, REGION, 2);

        JsonNode body = region.json("POST", "/v1/memories/batch",
                batch(memory("b1", "one"), memory("b2", "two"), "{\"namespace\":\"ns\",\"content\":\"three\"}"), 201);

        assertThat(region.wal.units()).isEqualTo(1);
        List<WALEntry> entries = region.wal.entries();
        assertThat(entries).extracting(WALEntry::getResourceId).startsWith("b1", "b2").hasSize(3);
        assertThat(entries).extracting(WALEntry::getPlacementEpoch).containsOnly(2L);
        assertThat(entries.get(1).getHlc()).isGreaterThan(entries.get(0).getHlc());
        assertThat(entries.get(2).getHlc()).isGreaterThan(entries.get(1).getHlc());
        JsonNode results = body.get("results");
        assertThat(results).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(results.get(i).get("index").asInt()).isEqualTo(i);
            assertThat(results.get(i).get("status").asInt()).isEqualTo(201);
            assertThat(results.get(i).get("memory").get("id").asText()).isEqualTo(entries.get(i).getResourceId());
            assertThat(results.get(i).get("position").get("region").asText()).isEqualTo(REGION);
        }
    }

    @Test
    void oneRefusedItemRefusesTheWholeBatchWithEveryReason() {
        ApiException e = region.refusal("POST", "/v1/memories/batch",
                batch(memory("b1", "one"), "{\"namespace\":\"ns\"}", memory("b3", "three"), "7"));

        assertThat(e.status()).isEqualTo(400);
        assertThat(e.code()).isEqualTo("INVALID_INPUT");
        assertThat(e.getMessage()).contains("2 of 4 items were refused; nothing was written");
        JsonNode items = details(e).get("items");
        assertThat(items).hasSize(2);
        assertThat(items.get(0).get("index").asInt()).isEqualTo(1);
        assertThat(items.get(0).get("status").asInt()).isEqualTo(400);
        assertThat(items.get(0).get("details").get("field").asText()).isEqualTo("content");
        assertThat(items.get(1).get("index").asInt()).isEqualTo(3);
        assertThat(items.get(1).get("details").get("field").asText()).isEqualTo("memories[3]");
        assertThat(region.wal.entries()).isEmpty();
        assertThat(region.placements.defaulted()).isEmpty();
    }

    @Test
    void anIdTwiceInTheBatchIsRefused() {
        ApiException e = region.refusal("POST", "/v1/memories/batch", batch(memory("dup", "one"), memory("dup", "two")));

        assertThat(e.status()).isEqualTo(400);
        JsonNode item = details(e).get("items").get(0);
        assertThat(item.get("index").asInt()).isEqualTo(1);
        assertThat(item.get("status").asInt()).isEqualTo(409);
        assertThat(item.get("code").asText()).isEqualTo("ALREADY_EXISTS");
        assertThat(item.get("details").get("field").asText()).isEqualTo("id");
        assertThat(region.wal.entries()).isEmpty();
    }

    @Test
    void anIdThatIsAlreadyLiveRefusesTheBatch() throws Exception {
        region.json("POST", "/v1/memories", memory("b1", "one"), 201);

        ApiException e = region.refusal("POST", "/v1/memories/batch", batch(memory("b2", "two"), memory("b1", "again")));
        assertThat(details(e).get("items").get(0).get("status").asInt()).isEqualTo(409);
        assertThat(region.wal.entries()).hasSize(1);
    }

    @Test
    void aBatchMustBeANonEmptyArrayWithinTheLimit() {
        String tooMany = batch(Collections.nCopies(WriteLimits.DEFAULTS.maxBatchItems() + 1, "{}").toArray(String[]::new));
        for (String body : List.of("{}", "{\"memories\":[]}", "{\"memories\":{}}", tooMany)) {
            ApiException e = region.refusal("POST", "/v1/memories/batch", body);
            assertThat(e.status()).isEqualTo(400);
            assertThat(details(e).get("field").asText()).isEqualTo("memories");
        }
        assertThat(region.wal.entries()).isEmpty();
    }

    @Test
    void aBatchTheWalDoesNotAcknowledgeIs503AndNothingIsWritten() {
        region.wal.failAppends();

        ApiException e = region.refusal("POST", "/v1/memories/batch", batch(memory("b1", "one"), memory("b2", "two")));
        assertThat(e.status()).isEqualTo(503);
        assertThat(e.code()).isEqualTo("WAL_UNAVAILABLE");
        assertThat(region.wal.entries()).isEmpty();
    }
}
