package dev.maia.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A namespace's memories walked by cursor through the HTTP API of a real region: every live memory once,
 * in id order, also when memories are deleted and written while the walk is under way; what offsets
 * cannot promise (a delete before the current offset shifts the rest by one).
 */
class CursorPagingTest extends RegionsTest {
    private static final String REGION = "us-west";
    private static final int MEMORIES = 230;
    private String key;

    @Test
    void aCursorWalkSeesEveryMemoryOnceWhileOthersAreDeletedAndWritten() throws Exception {
        TestStack.Tenant t = TestStack.tenant();
        key = t.key();
        TestStack.place(t.id(), "single", REGION);
        assertThat(client.send("POST", url(REGION, "/v1/namespaces"), t.key(), "{\"name\":\"n\"}").status()).isEqualTo(201);
        List<String> written = TestStack.writeMemoryBatches(REGION, t, MEMORIES);
        TestStack.awaitGet(REGION, "/v1/stats", t.key(), r -> r.status() == 200 && r.body().get("total_memories").asInt() == MEMORIES);
        TreeSet<String> live = new TreeSet<>(written);

        JsonNode page = list("?limit=50");
        assertThat(page.get("total").asInt()).isEqualTo(MEMORIES);
        List<String> walked = new ArrayList<>(ids(page));
        // While the walk is under way: delete a memory already seen, one not yet seen, and write a new one.
        String seen = walked.get(3);
        String ahead = live.higher(walked.get(walked.size() - 1));
        for (String doomed : List.of(seen, ahead)) {
            assertThat(client.send("DELETE", url(REGION, "/v1/memories/" + doomed), t.key(), null).status()).isEqualTo(200);
            live.remove(doomed);
        }
        String added = TestStack.writeMemories(REGION, t.key(), 1, "late").get(0);
        TestStack.awaitGet(REGION, "/v1/stats", t.key(), r -> r.status() == 200
                && r.body().get("total_memories").asInt() == MEMORIES - 1);
        live.add(added);

        int pages = 1;
        while (page.has("next_cursor")) {
            page = list("?limit=50&cursor=" + page.get("next_cursor").asText());
            assertThat(page.get("offset").asInt()).as("where the page starts among the %d", page.get("total").asInt())
                    .isEqualTo(new ArrayList<>(live).indexOf(ids(page).get(0)));
            walked.addAll(ids(page));
            pages++;
        }
        walked.remove(seen);
        assertThat(walked).as("every live memory once, in id order, in %d pages", pages).containsExactlyElementsOf(live);
        assertThat(page.get("total").asInt()).isEqualTo(live.size());
    }

    @Test
    void aCursorTheServerDidNotHandOutIs400NamingTheCursor() throws Exception {
        TestStack.Tenant t = TestStack.tenant();
        TestStack.place(t.id(), "single", REGION);
        assertThat(client.send("POST", url(REGION, "/v1/namespaces"), t.key(), "{\"name\":\"n\"}").status()).isEqualTo(201);
        for (String query : List.of("?cursor=not*base64", "?cursor=bm90LWEtY3Vyc29y", "?cursor=MTpt&offset=2")) {
            MaiaClient.Reply r = TestStack.awaitGet(REGION, "/v1/namespaces/n/memories" + query, t.key(), rr -> rr.status() != 404);
            assertThat(r.status()).as("%s: %s", query, r.body()).isEqualTo(400);
            assertThat(r.body().get("code").asText()).isEqualTo("INVALID_INPUT");
            assertThat(r.body().get("error").asText()).contains("cursor");
            assertThat(r.body().get("details").get("field").asText()).isEqualTo("cursor");
        }
    }

    private JsonNode list(String query) throws Exception {
        MaiaClient.Reply r = client.send("GET", url(REGION, "/v1/namespaces/n/memories" + query), key, null);
        assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
        return r.body();
    }

    private static List<String> ids(JsonNode page) {
        List<String> out = new ArrayList<>();
        page.get("data").forEach(m -> out.add(m.get("id").asText()));
        return out;
    }
}
