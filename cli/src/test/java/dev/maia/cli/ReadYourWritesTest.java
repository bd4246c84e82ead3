package dev.maia.cli;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** A read that carries a write's position sees that write, in any region. */
class ReadYourWritesTest extends RegionsTest {
    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(String url, String key, String minPosition) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + key)
                .header("X-MAIA-Min-Position", minPosition).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aReadWithTheWritesTokenAlwaysSeesTheNewValue() throws Exception {
        TestStack.Tenant t = TestStack.tenant();
        TestStack.place(t.id(), "global", "us-west");
        MaiaClient.Reply created = client.send("POST", url("us-west", "/v1/memories"), t.key(),
                "{\"namespace\":\"n\",\"content\":\"v0\"}");
        String id = created.body().get("id").asText();
        String token = created.header("X-MAIA-Position");
        assertThat(token).startsWith("us-west:");
        // The tenant is new: its first write also waits out topic discovery; the loop below is about updates.
        for (String region : new String[]{"eu-central", "ap-tokyo"}) {
            TestStack.awaitGet(region, "/v1/memories/" + id, t.key(), 200);
        }
        for (int i = 1; i <= 20; i++) {
            String region = i % 2 == 0 ? "eu-central" : "ap-tokyo";
            HttpResponse<String> read = get(url(region, "/v1/memories/" + id), t.key(), token);
            assertThat(read.statusCode()).as("read %d in %s at %s: %s", i, region, token, read.body()).isEqualTo(200);
            assertThat(read.body()).contains("\"content\":\"v" + (i - 1) + "\"");
            MaiaClient.Reply updated = client.send("PUT", url("us-west", "/v1/memories/" + id), t.key(),
                    "{\"content\":\"v" + i + "\"}");
            assertThat(updated.status()).isEqualTo(200);
            token = updated.header("X-MAIA-Position");
        }
        MaiaClient.Reply viaParam = client.send("GET", url("eu-central", "/v1/memories/" + id
                + "?min_position=" + token), t.key(), null);
        assertThat(viaParam.body().get("content").asText()).isEqualTo("v20");
    }

    @Test
    void aNamespacesMemoriesArePagedInCreationOrderAndHonourTheToken() throws Exception {
        TestStack.Tenant t = TestStack.tenant();
        TestStack.place(t.id(), "global", "us-west");
        String us = nodes.node("us-west").endpoint();
        MaiaClient.Reply ns = client.send("POST", us + "/v1/namespaces", t.key(), "{\"name\":\"agents/alpha\"}");
        String nsId = ns.body().get("id").asText();
        String eu = nodes.node("eu-central").endpoint();
        // The tenant is new: wait out topic discovery for its first write.
        TestStack.awaitGet("eu-central", "/v1/namespaces/" + nsId, t.key(), 200);
        java.util.List<String> ids = new java.util.ArrayList<>();
        java.util.List<String> tokens = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            MaiaClient.Reply w = client.send("POST", us + "/v1/memories", t.key(), "{\"namespace\":\"agents/alpha\",\"content\":\"m" + i + "\"}");
            ids.add(w.body().get("id").asText());
            tokens.add(w.header("X-MAIA-Position"));
        }
        // A token covers the partition of its own write: a listing over several partitions waits for each.
        for (String each : tokens) {
            assertThat(get(eu + "/v1/namespaces/" + nsId, t.key(), each).statusCode()).isEqualTo(200);
        }
        String token = tokens.get(tokens.size() - 1);
        HttpResponse<String> first = get(eu + "/v1/namespaces/" + nsId + "/memories?limit=2&offset=0", t.key(), token);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        com.fasterxml.jackson.databind.JsonNode page = dev.maia.schemas.http.Json.MAPPER.readTree(first.body());
        assertThat(page.get("total").asInt()).isEqualTo(5);
        assertThat(page.get("count").asInt()).isEqualTo(2);
        assertThat(page.get("data")).hasSize(2);
        assertThat(page.get("data").get(0).get("id").asText()).isEqualTo(ids.get(0));
        assertThat(page.get("data").get(1).get("id").asText()).isEqualTo(ids.get(1));
        com.fasterxml.jackson.databind.JsonNode last = dev.maia.schemas.http.Json.MAPPER.readTree(
                get(eu + "/v1/namespaces/" + nsId + "/memories?limit=2&offset=4", t.key(), token).body());
        assertThat(last.get("data")).hasSize(1);
        assertThat(last.get("data").get(0).get("content").asText()).isEqualTo("m4");
        com.fasterxml.jackson.databind.JsonNode all = dev.maia.schemas.http.Json.MAPPER.readTree(
                get(eu + "/v1/namespaces", t.key(), token).body());
        assertThat(all.get("data").get(0).get("name").asText()).isEqualTo("agents/alpha");
        assertThat(get(eu + "/v1/namespaces/" + nsId + "/memories?limit=0", t.key(), token).statusCode()).isEqualTo(400);
    }

    @Test
    void aPositionNeverReachedAnswers504AndABadOneIs400() throws Exception {
        TestStack.Tenant t = TestStack.tenant();
        TestStack.place(t.id(), "global", "us-west");
        String id = client.send("POST", url("us-west", "/v1/memories"), t.key(),
                "{\"namespace\":\"n\",\"content\":\"x\"}").body().get("id").asText();
        HttpResponse<String> never = get(url("eu-central", "/v1/memories/" + id), t.key(), "us-west:0:1000000000");
        assertThat(never.statusCode()).isEqualTo(504);
        assertThat(never.body()).contains("POSITION_NOT_REACHED");
        HttpResponse<String> bad = get(url("eu-central", "/v1/memories/" + id), t.key(), "yesterday");
        assertThat(bad.statusCode()).isEqualTo(400);
    }

    /**
     * Issue 14: 40 reads waiting on a position no region reaches made {@code /health} take 9.4 s, because
     * every request and every wait shared 16 threads. The waits now hold route threads only; /health is
     * answered by the server's own, while all 40 still wait.
     */
    @Test
    void healthAnswersWhileFortyReadsWaitOnAnUnreachablePosition() throws Exception {
        TestStack.Tenant t = TestStack.tenant();
        TestStack.place(t.id(), "global", "us-west");
        String id = client.send("POST", url("us-west", "/v1/memories"), t.key(),
                "{\"namespace\":\"n\",\"content\":\"x\"}").body().get("id").asText();
        TestStack.awaitGet("eu-central", "/v1/memories/" + id, t.key(), 200);
        // One connection per read, as 40 clients would have (HTTP/1.1, no multiplexing).
        HttpClient clients = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        io.micrometer.core.instrument.Gauge active = nodes.node("eu-central").registry().get("maia_http_route_active")
                .tag("listener", "api").gauge();
        double before = active.value();
        java.util.List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> reads = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
            reads.add(clients.sendAsync(HttpRequest.newBuilder(URI.create(url("eu-central", "/v1/memories/" + id)))
                    .header("Authorization", "Bearer " + t.key()).header("X-MAIA-Min-Position", "us-west:0:1000000000")
                    .GET().build(), HttpResponse.BodyHandlers.ofString()));
        }
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> active.value() >= before + 40);

        HttpResponse<String> health = clients.send(HttpRequest.newBuilder(URI.create(url("eu-central", "/health"))).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
        assertThat(reads).as("the reads still wait when /health has answered").noneMatch(java.util.concurrent.CompletableFuture::isDone);
        for (var read : reads) {
            assertThat(read.get(60, java.util.concurrent.TimeUnit.SECONDS).statusCode()).isEqualTo(504);
        }
    }
}
