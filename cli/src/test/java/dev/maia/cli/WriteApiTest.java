package dev.maia.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maia.schemas.wal.WalTopics;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Every write endpoint's success path and error codes, through real brokers, in the tenant's primary region. */
class WriteApiTest extends RegionsTest {
    private static final String PRIMARY = "us-west";

    private static String url(String path) {
        return url(PRIMARY, path);
    }

    @Test
    void memoriesCreateReadUpdateDeleteAndConflict() throws Exception {
        TestStack.Tenant t = TestStack.tenant();
        MaiaClient.Reply created = client.send("POST", url("/v1/memories"), t.key(),
                "{\"id\":\"mem-1\",\"namespace\":\"ns\",\"content\":\"hello\",\"type\":\"episodic\",\"tags\":[\"a\"],"
                        + "\"confidence\":0.5,\"source\":\"imported\",\"embedding\":[0.25,0.5],"
                        + "\"relations\":[{\"target_id\":\"mem-0\",\"relation\":\"follows\"}]}");
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.body().get("id").asText()).isEqualTo("mem-1");
        assertThat(created.body().get("type").asText()).isEqualTo("episodic");
        assertThat(created.body().get("source").asText()).isEqualTo("imported");
        assertThat(created.body().get("relations").get(0).get("weight").asDouble()).isEqualTo(1.0);

        JsonNode read = TestStack.awaitGet(PRIMARY, "/v1/memories/mem-1", t.key(), 200).body();
        assertThat(read.get("embedding").get(1).asDouble()).isEqualTo(0.5);

        MaiaClient.Reply again = client.send("POST", url("/v1/memories"), t.key(), "{\"id\":\"mem-1\",\"namespace\":\"ns\",\"content\":\"x\"}");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.body().get("code").asText()).isEqualTo("ALREADY_EXISTS");

        MaiaClient.Reply updated = client.send("PUT", url("/v1/memories/mem-1"), t.key(), "{\"confidence\":0.9}");
        assertThat(updated.status()).isEqualTo(200);
        assertThat(updated.body().get("content").asText()).isEqualTo("hello");
        assertThat(updated.body().get("confidence").asDouble()).isEqualTo(0.9);
        assertThat(updated.body().get("updated_at").asText()).isGreaterThan(created.body().get("updated_at").asText());

        MaiaClient.Reply deleted = client.send("DELETE", url("/v1/memories/mem-1"), t.key(), null);
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.body().get("deleted").asBoolean()).isTrue();
        TestStack.awaitGet(PRIMARY, "/v1/memories/mem-1", t.key(), 404);
        assertThat(client.send("DELETE", url("/v1/memories/mem-1"), t.key(), null).status()).isEqualTo(404);
        assertThat(client.send("PUT", url("/v1/memories/mem-1"), t.key(), "{\"content\":\"zombie\"}").status()).isEqualTo(404);

        // A create after a delete orders after the tombstone, so the id lives again.
        assertThat(client.send("POST", url("/v1/memories"), t.key(), "{\"id\":\"mem-1\",\"namespace\":\"ns\",\"content\":\"reborn\"}").status())
                .isEqualTo(201);
        assertThat(TestStack.awaitGet(PRIMARY, "/v1/memories/mem-1", t.key(), 200).body().get("content").asText()).isEqualTo("reborn");
    }

    @Test
    void aBatchIsAllOrNothing() throws Exception {
        TestStack.Tenant t = TestStack.tenant();
        MaiaClient.Reply refused = client.send("POST", url("/v1/memories/batch"), t.key(),
                "{\"memories\":[{\"namespace\":\"n\",\"content\":\"ok\"},{\"namespace\":\"n\"},{\"namespace\":\"n\",\"content\":\"ok2\",\"type\":\"bad\"}]}");
        assertThat(refused.status()).isEqualTo(400);
        JsonNode items = refused.body().get("details").get("items");
        assertThat(items).hasSize(2);
        assertThat(items.get(0).get("index").asInt()).isEqualTo(1);
        assertThat(items.get(1).get("details").get("field").asText()).isEqualTo("type");

        MaiaClient.Reply accepted = client.send("POST", url("/v1/memories/batch"), t.key(),
                "{\"memories\":[{\"namespace\":\"n\",\"content\":\"one\"},{\"namespace\":\"n\",\"content\":\"two\"},{\"namespace\":\"n\",\"content\":\"three\"}]}");
        assertThat(accepted.status()).isEqualTo(201);
        assertThat(accepted.body().get("results")).hasSize(3);
        for (JsonNode r : accepted.body().get("results")) {
            TestStack.awaitGet(PRIMARY, "/v1/memories/" + r.get("memory").get("id").asText(), t.key(), 200);
        }
        // Only the accepted batch reached the log: three entries (plus transaction markers, which are not records).
        assertThat(TestStack.readAll(PRIMARY, WalTopics.wal(t.id()))).hasSize(3);

        MaiaClient.Reply duplicateIds = client.send("POST", url("/v1/memories/batch"), t.key(),
                "{\"memories\":[{\"id\":\"dup\",\"namespace\":\"n\",\"content\":\"a\"},{\"id\":\"dup\",\"namespace\":\"n\",\"content\":\"b\"}]}");
        assertThat(duplicateIds.status()).isEqualTo(400);
        assertThat(TestStack.readAll(PRIMARY, WalTopics.wal(t.id()))).hasSize(3);
    }

    @Test
    void namespacesCreateReadUpdateDelete() throws Exception {
        TestStack.Tenant t = TestStack.tenant();
        MaiaClient.Reply created = client.send("POST", url("/v1/namespaces"), t.key(),
                "{\"name\":\"agents/alpha\",\"parent\":\"agents\",\"template\":\"default\",\"config\":{\"ttl\":30}}");
        assertThat(created.status()).isEqualTo(201);
        String id = created.body().get("id").asText();
        assertThat(TestStack.awaitGet(PRIMARY, "/v1/namespaces/" + id, t.key(), 200).body().get("config").get("ttl").asInt()).isEqualTo(30);

        MaiaClient.Reply updated = client.send("PUT", url("/v1/namespaces/" + id), t.key(), "{\"config\":{\"ttl\":60}}");
        assertThat(updated.status()).isEqualTo(200);
        assertThat(updated.body().get("name").asText()).isEqualTo("agents/alpha");
        TestStack.awaitGet(PRIMARY, "/v1/namespaces/" + id, t.key(), r -> r.body().get("config").get("ttl").asInt() == 60);

        assertThat(client.send("POST", url("/v1/namespaces"), t.key(), "{\"id\":\"" + id + "\",\"name\":\"x\"}").status()).isEqualTo(409);
        assertThat(client.send("POST", url("/v1/namespaces"), t.key(), "{\"parent\":\"p\"}").status()).isEqualTo(400);
        assertThat(client.send("DELETE", url("/v1/namespaces/" + id), t.key(), null).status()).isEqualTo(200);
        TestStack.awaitGet(PRIMARY, "/v1/namespaces/" + id, t.key(), 404);
        assertThat(client.send("PUT", url("/v1/namespaces/nope"), t.key(), "{\"config\":{}}").status()).isEqualTo(404);
    }

    @Test
    void keysAuthoriseTheirOwnTenantOnly() throws Exception {
        TestStack.Tenant a = TestStack.tenant();
        TestStack.Tenant b = TestStack.tenant();
        String body = "{\"id\":\"private\",\"namespace\":\"n\",\"content\":\"a's secret\"}";
        assertThat(client.send("POST", url("/v1/memories"), a.key(), body).status()).isEqualTo(201);
        TestStack.awaitGet(PRIMARY, "/v1/memories/private", a.key(), 200);

        assertThat(client.send("GET", url("/v1/memories/private"), b.key(), null).status())
                .as("b's key sees only b's data").isEqualTo(404);
        assertThat(client.send("GET", url("/v1/memories/private"), null, null).status()).isEqualTo(401);
        assertThat(client.send("GET", url("/v1/memories/private"), "mk_wrong", null).status()).isEqualTo(401);
        assertThat(client.send("GET", url("/v1/memories/private"), TestStack.adminKey(), null).status())
                .as("the admin key does not act for tenants").isEqualTo(403);
        assertThat(client.send("GET", url("/admin/placements"), a.key(), null).status())
                .as("a tenant key does not open the admin API").isEqualTo(403);

        java.net.http.HttpResponse<String> spoofed = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(url("/v1/memories/private")))
                        .header("X-API-Key", b.key()).header("X-MAIA-Tenant-ID", a.id()).GET().build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(spoofed.statusCode()).isEqualTo(403);
        assertThat(TestStack.readAll(PRIMARY, WalTopics.wal(a.id()))).hasSize(1);
    }

    @Test
    void anOversizedBodyIs413AndNothingIsWritten() throws Exception {
        TestStack.Tenant t = TestStack.tenant();
        String huge = "{\"namespace\":\"n\",\"content\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}";
        MaiaClient.Reply r = client.send("POST", url("/v1/memories"), t.key(), huge);
        assertThat(r.status()).isEqualTo(413);
        MaiaClient.Reply tooLongContent = client.send("POST", url("/v1/memories"), t.key(),
                "{\"namespace\":\"n\",\"content\":\"" + "x".repeat(70_000) + "\"}");
        assertThat(tooLongContent.status()).isEqualTo(400);
        assertThat(tooLongContent.body().get("details").get("field").asText()).isEqualTo("content");
        assertThat(nodes.node(PRIMARY).apply().appliedOffset(PRIMARY, t.id(), 0)).isEqualTo(-1);
    }
}
