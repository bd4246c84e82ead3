package dev.maia.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The eleven calls of upstream MAIA's TypeScript SDK ({@code MAIAClient}), made as it makes them (method,
 * path, body, {@code encodeURIComponent} on path segments) against a real region, in the order a new user
 * tries them, each asserting the fields the SDK's types read. The SDK talks to one base URL: here the
 * tenant's primary. It does not send a position, so a read right after a write waits for the region to
 * apply it (polling, as {@link TestStack#awaitGet}).
 */
class MaiaClientContractTest extends RegionsTest {
    private static final String REGION = "us-west";

    @Test
    void theSdksElevenCallsWorkAsANewUserMakesThem() throws Exception {
        TestStack.Tenant t = TestStack.tenant();
        TestStack.place(t.id(), "global", REGION);

        // 1. health(): {status, service} in MAIA; here {region, status, ...}: the SDK reads status.
        MaiaClient.Reply health = client.send("GET", url(REGION, "/health"), null, null);
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.body().get("status").isTextual()).isTrue();

        // 2. stats(): total_memories, total_namespaces.
        JsonNode empty = call("GET", "/v1/stats", t, null, 200);
        assertThat(empty.get("total_memories").asInt()).isZero();
        assertThat(empty.get("total_namespaces").asInt()).isZero();

        // 8. createNamespace({name}) and 9. getNamespace(name): by NAME.
        JsonNode ns = call("POST", "/v1/namespaces", t, "{\"name\":\"my-namespace\"}", 201);
        assertThat(ns.get("id").isTextual()).isTrue();
        assertThat(ns.get("name").asText()).isEqualTo("my-namespace");
        JsonNode byName = TestStack.awaitGet(REGION, "/v1/namespaces/" + sdkSegment("my-namespace"), t.key(), 200).body();
        assertThat(byName.get("id").asText()).isEqualTo(ns.get("id").asText());
        assertThat(byName.has("created_at")).isTrue();

        // 3. createMemory({namespace, content, ...}) as remember() sends it.
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            JsonNode m = call("POST", "/v1/memories", t, "{\"namespace\":\"my-namespace\",\"content\":\"fact " + i
                    + "\",\"type\":\"semantic\",\"source\":\"user\",\"confidence\":1.0}", 201);
            assertThat(m.get("namespace").asText()).isEqualTo("my-namespace");
            for (String field : List.of("id", "content", "type", "created_at", "updated_at", "accessed_at", "source")) {
                assertThat(m.has(field)).as("memory field %s in %s", field, m).isTrue();
            }
            assertThat(m.get("access_count").isNumber()).isTrue();
            assertThat(m.get("confidence").isNumber()).isTrue();
            ids.add(m.get("id").asText());
        }
        String id = ids.get(0);

        // 4. getMemory(id).
        JsonNode got = TestStack.awaitGet(REGION, "/v1/memories/" + sdkSegment(id), t.key(), 200).body();
        assertThat(got.get("content").asText()).isEqualTo("fact 0");

        // 5. updateMemory(id, {content, tags}).
        JsonNode updated = call("PUT", "/v1/memories/" + sdkSegment(id), t, "{\"content\":\"fact zero\",\"tags\":[\"a\"]}", 200);
        assertThat(updated.get("content").asText()).isEqualTo("fact zero");
        assertThat(updated.get("tags").get(0).asText()).isEqualTo("a");

        // 10. listNamespaces({limit, offset}).
        JsonNode namespaces = call("GET", "/v1/namespaces?limit=10", t, null, 200);
        assertListShape(namespaces, 10, 0);
        assertThat(namespaces.get("data").get(0).get("name").asText()).isEqualTo("my-namespace");

        // 11. listNamespaceMemories(name, {limit, offset}): by NAME, paged.
        String path = "/v1/namespaces/" + sdkSegment("my-namespace") + "/memories";
        JsonNode first = TestStack.awaitGet(REGION, path + "?limit=2", t.key(),
                r -> r.status() == 200 && r.body().get("total").asInt() == 3).body();
        assertListShape(first, 2, 0);
        assertThat(first.get("count").asInt()).isEqualTo(2);
        assertThat(first.get("data").get(0).get("id").asText()).isEqualTo(ids.get(0));
        JsonNode second = call("GET", path + "?limit=2&offset=2", t, null, 200);
        assertListShape(second, 2, 2);
        assertThat(second.get("count").asInt()).isEqualTo(1);
        assertThat(second.get("data").get(0).get("id").asText()).isEqualTo(ids.get(2));

        // 7. searchMemories({query}): not served here, and says so.
        MaiaClient.Reply search = client.send("POST", url(REGION, "/v1/memories/search"), t.key(), "{\"query\":\"fact\"}");
        assertThat(search.status()).isEqualTo(501);
        assertThat(search.body().get("code").asText()).isEqualTo("NOT_IMPLEMENTED");
        assertThat(search.body().get("error").asText()).startsWith("POST /v1/memories/search is not served");

        // 2 again: the counts of this region's store.
        JsonNode stats = TestStack.awaitGet(REGION, "/v1/stats", t.key(), r -> r.body().get("total_memories").asInt() == 3).body();
        assertThat(stats.get("total_namespaces").asInt()).isEqualTo(1);

        // 6. deleteMemory(id): {deleted: true}; then a get is NOT_FOUND.
        assertThat(call("DELETE", "/v1/memories/" + sdkSegment(id), t, null, 200).get("deleted").asBoolean()).isTrue();
        JsonNode gone = TestStack.awaitGet(REGION, "/v1/memories/" + id, t.key(), 404).body();
        assertThat(gone.get("code").asText()).isEqualTo("NOT_FOUND");
        assertThat(gone.get("error").isTextual()).isTrue();
    }

    private JsonNode call(String method, String path, TestStack.Tenant t, String body, int status) throws Exception {
        MaiaClient.Reply r = client.send(method, url(REGION, path), t.key(), body);
        assertThat(r.status()).as("%s %s: %s", method, path, r.body()).isEqualTo(status);
        return r.body();
    }

    /** {@code ListResponse<T>}: data, count, offset, limit (and this project's total). */
    static void assertListShape(JsonNode list, int limit, int offset) {
        assertThat(list.get("data").isArray()).as("%s", list).isTrue();
        assertThat(list.get("count").asInt()).isEqualTo(list.get("data").size());
        assertThat(list.get("limit").asInt()).isEqualTo(limit);
        assertThat(list.get("offset").asInt()).isEqualTo(offset);
        assertThat(list.get("total").isInt()).isTrue();
    }

    /** What {@code encodeURIComponent} makes of a path segment (it leaves fewer characters bare; none used here differ). */
    static String sdkSegment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
