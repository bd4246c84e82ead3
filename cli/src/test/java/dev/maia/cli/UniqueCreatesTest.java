package dev.maia.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maia.schemas.http.Json;
import dev.maia.schemas.http.ResourceVersion;
import dev.maia.schemas.wal.WalTopics;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 9, "ten concurrent POSTs with the same client-chosen id: five answered 201": through real brokers
 * and MirrorMaker, the primary decides the id once, every region that holds the tenant stores the one
 * memory that was created, and a change built on an old read is refused.
 */
class UniqueCreatesTest extends RegionsTest {
    private static final String PRIMARY = "us-west";
    private static final String REPLICA = "eu-central";
    private static final int CLIENTS = 10;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void tenConcurrentCreatesOfOneIdAreOne201AndNine409AndEveryHoldingRegionStoresTheCreatedOne() throws Exception {
        TestStack.Tenant t = TestStack.tenant();
        TestStack.place(t.id(), "replicated", PRIMARY, REPLICA);
        // The tenant's log exists before the race, so that the race is about the id, not the topic.
        TestStack.writeMemories(PRIMARY, t.key(), 1, "warm-up");

        List<MaiaClient.Reply> replies = createAtOnce(t.key(), "dup");

        List<Integer> statuses = replies.stream().map(MaiaClient.Reply::status).toList();
        assertThat(statuses).as("statuses of %d concurrent creates of one id", CLIENTS).containsOnly(201, 409);
        assertThat(statuses).filteredOn(s -> s == 201).hasSize(1);
        replies.stream().filter(r -> r.status() == 409)
                .forEach(r -> assertThat(r.body().get("code").asText()).isEqualTo("ALREADY_EXISTS"));
        MaiaClient.Reply created = replies.get(statuses.indexOf(201));
        String content = created.body().get("content").asText();
        assertThat(TestStack.readAll(PRIMARY, WalTopics.wal(t.id()))).filteredOn(r -> "memory/dup".equals(r.key())).hasSize(1);
        for (String region : List.of(PRIMARY, REPLICA)) {
            MaiaClient.Reply stored = TestStack.awaitGet(region, "/v1/memories/dup", t.key(), 200);
            assertThat(stored.body().get("content").asText()).as("the memory in %s", region).isEqualTo(content);
            assertThat(stored.header(ResourceVersion.ETAG_HEADER)).isEqualTo(created.header(ResourceVersion.ETAG_HEADER));
        }
    }

    @Test
    void aGetAnswersTheVersionAndAChangeBuiltOnAnOlderOneIs412() throws Exception {
        TestStack.Tenant t = TestStack.tenant();
        TestStack.place(t.id(), "single", PRIMARY);
        MaiaClient.Reply created = client.send("POST", url(PRIMARY, "/v1/memories"), t.key(),
                "{\"id\":\"versioned\",\"namespace\":\"ns\",\"content\":\"v1\"}");
        assertThat(created.status()).isEqualTo(201);
        String v1 = TestStack.awaitGet(PRIMARY, "/v1/memories/versioned", t.key(), 200).header(ResourceVersion.ETAG_HEADER);
        assertThat(v1).isEqualTo(created.header(ResourceVersion.ETAG_HEADER)).startsWith("\"").endsWith("\"");

        HttpResponse<String> updated = ifMatch("PUT", t.key(), "/v1/memories/versioned", "{\"content\":\"v2\"}", v1);
        assertThat(updated.statusCode()).isEqualTo(200);
        String v2 = updated.headers().firstValue(ResourceVersion.ETAG_HEADER).orElseThrow();
        assertThat(v2).isNotEqualTo(v1);

        for (String method : List.of("PUT", "DELETE")) {
            HttpResponse<String> stale = ifMatch(method, t.key(), "/v1/memories/versioned",
                    method.equals("PUT") ? "{\"content\":\"lost?\"}" : null, v1);
            assertThat(stale.statusCode()).as(method).isEqualTo(412);
            JsonNode error = Json.MAPPER.readTree(stale.body());
            assertThat(error.get("code").asText()).isEqualTo("PRECONDITION_FAILED");
            assertThat(ResourceVersion.etag(error.get("details").get("current_version").asText())).isEqualTo(v2);
        }
        assertThat(TestStack.readAll(PRIMARY, WalTopics.wal(t.id()))).hasSize(2);
        assertThat(TestStack.awaitGet(PRIMARY, "/v1/memories/versioned", t.key(),
                r -> v2.equals(r.header(ResourceVersion.ETAG_HEADER))).body().get("content").asText()).isEqualTo("v2");
    }

    /** {@link #CLIENTS} creates of one id, each from its own thread, released at one moment; their replies in order. */
    private List<MaiaClient.Reply> createAtOnce(String key, String id) throws Exception {
        List<Callable<MaiaClient.Reply>> creates = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            String body = "{\"id\":\"" + id + "\",\"namespace\":\"ns\",\"content\":\"client " + i + "\"}";
            creates.add(() -> client.send("POST", url(PRIMARY, "/v1/memories"), key, body));
        }
        return AtOnce.run(creates);
    }

    private HttpResponse<String> ifMatch(String method, String key, String path, String body, String version) throws Exception {
        HttpRequest.BodyPublisher content = body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body);
        return http.send(HttpRequest.newBuilder(URI.create(url(PRIMARY, path))).header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json").header(ResourceVersion.IF_MATCH_HEADER, version)
                .method(method, content).build(), HttpResponse.BodyHandlers.ofString());
    }
}
