package dev.maia.cli;

import dev.maia.cli.contract.ContractClient;
import dev.maia.cli.contract.ContractClient.Credential;
import dev.maia.cli.contract.ContractClient.Reply;
import dev.maia.cli.contract.DocumentDrift;
import dev.maia.cli.contract.Exchange;
import dev.maia.cli.contract.OpenApiContract;
import dev.maia.schemas.http.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * docs/openapi.yaml against the running regions: each test drives a session through real Kafka and
 * checks every request and every answer against the document as it goes ({@link ContractClient}). An
 * answer with a status, header or field the document does not list fails, and so does a request made
 * to be refused that the document would accept.
 *
 * <p>{@code tenantAdminFollowsTheDocument}, {@code statsAndNotServedFollowTheDocument} and
 * {@code listsFollowTheDocument} cover issue 13's admin tenant API, {@code /v1/stats}, the 501s and
 * MAIA's list shape, which the document describes as they are after issue 13 is merged.
 */
class OpenApiContractTest extends RegionsTest {
    private static final Logger log = LoggerFactory.getLogger(OpenApiContractTest.class);
    private static final OpenApiContract CONTRACT = OpenApiContract.load();
    private static final String PRIMARY = "us-west";
    private static final String REPLICA = "eu-central";
    private static final String OTHER = "ap-tokyo";
    private static final Duration WAIT = Duration.ofSeconds(90);

    private final ContractClient api = new ContractClient(CONTRACT);

    @AfterEach
    void logCoverage() {
        log.info("answers checked against docs/openapi.yaml: {}", api.answered());
    }

    @Test
    void aSessionFollowsTheDocument() throws Exception {
        TestStack.Tenant t = TestStack.tenant();
        Credential admin = Credential.bearer(TestStack.adminKey());
        Credential bearer = Credential.bearer(t.key());
        Credential apiKey = Credential.apiKey(t.key());

        // Placement: set, read, listed.
        Reply placed = api.send("POST", url(PRIMARY, placementPath(t)), admin,
                Json.write(Map.of("mode", "replicated", "primary_region", PRIMARY, "replicas", List.of(REPLICA))));
        assertThat(placed.status()).isEqualTo(200);
        assertThat(api.send("GET", url(PRIMARY, placementPath(t)), Credential.apiKey(TestStack.adminKey()), null).status()).isEqualTo(200);
        assertThat(api.send("GET", url(PRIMARY, "/admin/placements"), admin, null).status()).isEqualTo(200);
        awaitSend("GET", url(REPLICA, placementPath(t)), admin, r -> r.status() == 200);

        // A namespace: create, read where the write is applied, update under If-Match.
        Reply ns = api.send("POST", url(PRIMARY, "/v1/namespaces"), bearer,
                Json.write(Map.of("id", "ns-contract", "name", "contract-notes", "config", Map.of("retention", Map.of("days", 30)))));
        assertThat(ns.status()).isEqualTo(201);
        Reply nsRead = api.send("GET", url(PRIMARY, "/v1/namespaces/ns-contract"), bearer, null,
                "X-MAIA-Min-Position", ns.header("X-MAIA-Position"));
        assertThat(nsRead.status()).isEqualTo(200);
        Reply nsUpdated = api.send("PUT", url(PRIMARY, "/v1/namespaces/ns-contract"), bearer,
                Json.write(Map.of("template", "journal")), "If-Match", nsRead.header("ETag"));
        assertThat(nsUpdated.status()).isEqualTo(200);

        // A memory with every field, read in the primary and (read-your-writes) in the replica.
        Map<String, Object> full = Map.of("id", "mem-contract", "namespace", "contract-notes", "content", "hello",
                "type", "episodic", "tags", List.of("a", "b"), "confidence", 0.5, "source", "imported",
                "embedding", List.of(0.25, 0.5), "metadata", Map.of("k", Map.of("nested", List.of(1, 2))),
                "relations", List.of(Map.of("target_id", "mem-0", "relation", "follows")));
        Reply created = api.send("POST", url(PRIMARY, "/v1/memories"), apiKey, Json.write(full));
        assertThat(created.status()).isEqualTo(201);
        String position = created.header("X-MAIA-Position");
        Reply read = api.send("GET", url(PRIMARY, "/v1/memories/mem-contract?min_position=" + position), bearer, null);
        assertThat(read.status()).isEqualTo(200);
        Reply replicaRead = api.send("GET", url(REPLICA, "/v1/memories/mem-contract"), bearer, null,
                "X-MAIA-Min-Position", position);
        assertThat(replicaRead.status()).isIn(200, 307);

        // Update under the version read; the same version again is stale: 412.
        Reply updated = api.send("PUT", url(PRIMARY, "/v1/memories/mem-contract"), bearer,
                Json.write(Map.of("confidence", 0.9, "tags", List.of("c"))), "If-Match", read.header("ETag"));
        assertThat(updated.status()).isEqualTo(200);
        Reply stale = api.send("PUT", url(PRIMARY, "/v1/memories/mem-contract"), bearer,
                Json.write(Map.of("content", "lost update")), "If-Match", read.header("ETag"));
        assertThat(stale.status()).isEqualTo(412);
        assertThat(stale.code()).isEqualTo("PRECONDITION_FAILED");

        // A batch; a refused batch.
        Reply batch = api.send("POST", url(PRIMARY, "/v1/memories/batch"), bearer, Json.write(Map.of("memories", List.of(
                Map.of("namespace", "contract-notes", "content", "one"),
                Map.of("namespace", "contract-notes", "content", "two", "type", "working")))));
        assertThat(batch.status()).isEqualTo(201);
        Reply refusedBatch = api.sendRefused("POST", url(PRIMARY, "/v1/memories/batch"), bearer,
                "{\"memories\":[{\"namespace\":\"n\",\"content\":\"ok\"},{\"namespace\":\"n\"}]}");
        assertThat(refusedBatch.status()).isEqualTo(400);

        // Deletes, then the deleted memory is 404 and its second delete too.
        Reply deleted = api.send("DELETE", url(PRIMARY, "/v1/memories/mem-contract"), bearer, null);
        assertThat(deleted.status()).isEqualTo(200);
        awaitSend("GET", url(PRIMARY, "/v1/memories/mem-contract"), bearer, r -> r.status() == 404);
        assertThat(api.send("DELETE", url(PRIMARY, "/v1/memories/mem-contract"), bearer, null).status()).isEqualTo(404);
        assertThat(api.send("DELETE", url(PRIMARY, "/v1/namespaces/ns-contract"), bearer, null).status()).isEqualTo(200);

        // Refusals, each a documented answer.
        assertThat(api.send("POST", url(PRIMARY, "/v1/memories"), bearer,
                Json.write(Map.of("id", "dup", "namespace", "n", "content", "first"))).status()).isEqualTo(201);
        assertThat(api.send("POST", url(PRIMARY, "/v1/memories"), bearer,
                Json.write(Map.of("id", "dup", "namespace", "n", "content", "second"))).code()).isEqualTo("ALREADY_EXISTS");
        assertThat(api.sendRefused("POST", url(PRIMARY, "/v1/memories"), bearer, "{\"namespace\":\"n\"}").status()).isEqualTo(400);
        assertThat(api.sendRefused("POST", url(PRIMARY, "/v1/memories"), bearer,
                "{\"namespace\":\"n\",\"content\":\"c\",\"confidence\":2}").status()).isEqualTo(400);
        assertThat(api.sendRefused("GET", url(PRIMARY, "/v1/memories/dup?min_position=nowhere"), bearer, null).status()).isEqualTo(400);
        assertThat(api.sendRefused("POST", url(PRIMARY, "/v1/memories"), Credential.NONE,
                "{\"namespace\":\"n\",\"content\":\"c\"}").status()).isEqualTo(401);
        assertThat(api.send("GET", url(PRIMARY, "/v1/memories/dup"), Credential.bearer("mk_not-a-key"), null).status()).isEqualTo(401);
        assertThat(api.send("GET", url(PRIMARY, placementPath(t)), bearer, null).status()).isEqualTo(403);
        assertThat(api.send("GET", url(PRIMARY, "/v1/memories/dup"), admin, null).status()).isEqualTo(403);
        assertThat(api.send("GET", url(PRIMARY, "/v1/memories/dup"), bearer, null,
                "X-MAIA-Tenant-ID", "someone-else").status()).isEqualTo(403);
        assertThat(api.send("GET", url(PRIMARY, "/v1/memories/never-written"), bearer, null).status()).isEqualTo(404);
        assertThat(api.sendUnserved("PATCH", url(PRIMARY, "/v1/memories/dup"), bearer, "{}").status()).isEqualTo(405);
        assertThat(api.sendUnserved("GET", url(PRIMARY, "/v1/nothing-here"), bearer, null).status()).isEqualTo(404);
        String tooLarge = Json.write(Map.of("namespace", "n", "content", "x".repeat(1_100_000)));
        assertThat(api.sendRefused("POST", url(PRIMARY, "/v1/memories"), bearer, tooLarge).status()).isEqualTo(413);

        // A write to a region that is not the primary: 307 with where to go.
        Reply redirected = api.send("POST", url(REPLICA, "/v1/memories"), bearer, "{\"namespace\":\"n\",\"content\":\"misrouted\"}");
        assertThat(redirected.status()).isEqualTo(307);
        assertThat(redirected.header("Location")).isEqualTo(url(PRIMARY, "/v1/memories"));

        // Migration status, an abort without a migration, the digest, health and metrics.
        Reply migration = api.send("GET", url(PRIMARY, "/admin/tenants/" + t.id() + "/migration"), admin, null);
        assertThat(migration.body().get("phase").asText()).isEqualTo("none");
        assertThat(api.send("DELETE", url(PRIMARY, "/admin/tenants/" + t.id() + "/migration"), admin, null).code())
                .isEqualTo("NO_MIGRATION");
        assertThat(api.send("GET", url(PRIMARY, "/admin/tenants/" + t.id() + "/digest"), admin, null).status()).isEqualTo(200);
        assertThat(api.sendRefused("GET", url(PRIMARY, "/admin/tenants/not.a.tenant/digest"), admin, null).status()).isEqualTo(400);
        assertThat(api.send("GET", url(REPLICA, "/health"), Credential.NONE, null).status()).isEqualTo(200);
        // The metrics name every tenant: on the API port only for the metrics key or the admin key.
        assertThat(api.sendRefused("GET", url(REPLICA, "/metrics"), Credential.NONE, null).status()).isEqualTo(401);
        // A tenant key is a bearer key as the document sees it: refused by the server, 401 as documented.
        assertThat(api.send("GET", url(REPLICA, "/metrics"), bearer, null).status()).isEqualTo(401);
        assertThat(api.send("GET", url(REPLICA, "/metrics"), admin, null).status()).isEqualTo(200);

        assertThat(api.statuses()).contains(200, 201, 307, 400, 401, 403, 404, 405, 409, 412, 413);
    }

    @Test
    void aMoveOfThePrimaryFollowsTheDocument() throws Exception {
        TestStack.Tenant t = TestStack.tenant();
        Credential admin = Credential.apiKey(TestStack.adminKey());
        Credential key = Credential.bearer(t.key());
        api.send("POST", url(OTHER, placementPath(t)), admin, Json.write(Map.of("mode", "single", "primary_region", OTHER)));
        assertThat(api.send("POST", url(OTHER, "/v1/memories"), key, "{\"id\":\"kept\",\"namespace\":\"n\",\"content\":\"c\"}").status())
                .isEqualTo(201);

        Reply started = api.send("POST", url(OTHER, "/admin/tenants/" + t.id() + "/migration"), admin,
                Json.write(Map.of("to_region", PRIMARY)));
        assertThat(started.status()).isEqualTo(202);
        assertThat(started.body().has("migration")).isTrue();
        // While it moves, writes answer 503 MIGRATING (with Retry-After); then the new primary takes them.
        Reply write = awaitSend("PUT", url(PRIMARY, "/v1/memories/kept"), key, "{\"content\":\"moved\"}", r -> r.status() != 503);
        assertThat(write.status()).isEqualTo(200);
        awaitSend("GET", url(OTHER, "/admin/tenants/" + t.id() + "/migration"), admin, null,
                r -> r.body().get("phase").asText().equals("none"));
        Reply old = api.send("PUT", url(OTHER, "/v1/memories/kept"), key, "{\"content\":\"late\"}");
        assertThat(old.status()).isEqualTo(307);
        assertThat(old.header("X-MAIA-Primary-Region")).isEqualTo(PRIMARY);
    }

    @Test
    void aDriftedDocumentFailsARealAnswer() throws Exception {
        TestStack.Tenant t = TestStack.tenant();
        Credential key = Credential.bearer(t.key());
        TestStack.place(t.id(), "single", PRIMARY);
        Reply created = api.send("POST", url(PRIMARY, "/v1/memories"), key, "{\"id\":\"drift\",\"namespace\":\"n\",\"content\":\"c\"}");
        Reply read = awaitApplied(url(PRIMARY, "/v1/memories/drift"), key, "X-MAIA-Min-Position", created.header("X-MAIA-Position"));
        Exchange real = read.exchange();

        assertThat(CONTRACT.validate(real).hasErrors()).isFalse();
        // The same answer against the document with one field renamed, with a status it does not list, with a field it does not list.
        String drifted = DocumentDrift.renameMemoryContent(CONTRACT.text());
        assertThat(drifted).isNotEqualTo(CONTRACT.text());
        assertThat(OpenApiContract.of(drifted).validate(real).hasErrors()).isTrue();
        assertThat(CONTRACT.validate(real.withResponse(299, real.responseBody())).hasErrors()).isTrue();
        assertThat(CONTRACT.validate(real.withResponse(200, real.responseBody().replaceFirst("\\{", "{\"undocumented\":1,"))).hasErrors())
                .isTrue();
    }

    // ---- issue 13: the routes the document describes as they are after the merge ----------------

    @Test
    void listsFollowTheDocument() throws Exception {
        TestStack.Tenant t = TestStack.tenant();
        Credential key = Credential.bearer(t.key());
        TestStack.place(t.id(), "single", PRIMARY);
        Reply created = api.send("POST", url(PRIMARY, "/v1/namespaces"), key, "{\"id\":\"ns-list\",\"name\":\"list-notes\"}");
        assertThat(created.status()).isEqualTo(201);
        for (int i = 0; i < 3; i++) {
            assertThat(api.send("POST", url(PRIMARY, "/v1/memories"), key,
                    "{\"namespace\":\"list-notes\",\"content\":\"item " + i + "\"}").status()).isEqualTo(201);
        }

        // A position covers one partition of the tenant's log: it waits for the namespace, not for memories
        // written to other partitions, so the page is awaited by its total.
        Reply namespaces = awaitApplied(url(PRIMARY, "/v1/namespaces?limit=1&offset=0&min_position="
                + created.header("X-MAIA-Position")), key);
        assertThat(namespaces.body().get("count").asInt()).isEqualTo(namespaces.body().get("data").size()).isEqualTo(1);
        assertThat(api.send("GET", url(PRIMARY, "/v1/namespaces/list-notes"), key, null).status()).isEqualTo(200);

        Reply page = awaitSend("GET", url(PRIMARY, "/v1/namespaces/list-notes/memories?limit=2&offset=1"), key, null,
                r -> r.status() == 200 && r.body().get("total").asInt() == 3);
        assertThat(page.body().get("count").asInt()).isEqualTo(2);
        assertThat(page.body().get("offset").asInt()).isEqualTo(1);
        assertThat(page.body().has("next_cursor")).as("the last page has no next one").isFalse();
        Reply byCursor = api.send("GET", url(PRIMARY, "/v1/namespaces/list-notes/memories?limit=1"), key, null);
        Reply next = api.send("GET", url(PRIMARY, "/v1/namespaces/list-notes/memories?limit=1&cursor="
                + byCursor.body().get("next_cursor").asText()), key, null);
        assertThat(next.status()).isEqualTo(200);
        assertThat(next.body().get("offset").asInt()).isEqualTo(1);
        // A cursor is opaque to the document (a string): the server refuses one it did not hand out, as documented.
        Reply foreign = api.send("GET", url(PRIMARY, "/v1/namespaces?cursor=bm90LW9uZQ"), key, null);
        assertThat(foreign.status()).isEqualTo(400);
        assertThat(foreign.body().get("details").get("field").asText()).isEqualTo("cursor");
        Reply clamped = api.send("GET", url(PRIMARY, "/v1/namespaces/ns-list/memories?limit=5000"), key, null);
        assertThat(clamped.body().get("limit").asInt()).isEqualTo(1000);
        assertThat(api.sendRefused("GET", url(PRIMARY, "/v1/namespaces/ns-list/memories?limit=0"), key, null).status()).isEqualTo(400);
        assertThat(api.sendRefused("GET", url(PRIMARY, "/v1/namespaces?offset=-1"), key, null).status()).isEqualTo(400);
        assertThat(api.sendRefused("GET", url(PRIMARY, "/v1/namespaces?limit=many"), key, null).status()).isEqualTo(400);
    }

    @Test
    void statsAndNotServedFollowTheDocument() throws Exception {
        TestStack.Tenant t = TestStack.tenant();
        Credential key = Credential.bearer(t.key());
        TestStack.place(t.id(), "single", PRIMARY);
        api.send("POST", url(PRIMARY, "/v1/namespaces"), key, "{\"name\":\"stats-notes\"}");
        api.send("POST", url(PRIMARY, "/v1/memories"), key, "{\"namespace\":\"stats-notes\",\"content\":\"counted\"}");

        Reply stats = awaitSend("GET", url(PRIMARY, "/v1/stats"), key, null,
                r -> r.status() == 200 && r.body().get("total_memories").asInt() == 1);
        assertThat(stats.body().get("tenant_id").asText()).isEqualTo(t.id());

        Reply search = api.send("POST", url(PRIMARY, "/v1/memories/search"), key, "{\"query\":\"anything\"}");
        assertThat(search.status()).isEqualTo(501);
        assertThat(search.code()).isEqualTo("NOT_IMPLEMENTED");
        Reply context = api.send("POST", url(REPLICA, "/v1/context"), key, "{\"query\":\"anything\"}");
        assertThat(context.status()).isEqualTo(501);
    }

    @Test
    void tenantAdminFollowsTheDocument() throws Exception {
        Credential admin = Credential.bearer(TestStack.adminKey());
        String id = "contract-" + Long.toHexString(System.nanoTime());
        Reply created = api.send("POST", url(PRIMARY, "/admin/tenants"), admin, Json.write(Map.of("id", id, "name", "Contract Co",
                "plan", "pro", "metadata", Map.of("team", "qa"),
                "placement", Map.of("mode", "replicated", "primary_region", PRIMARY, "replicas", List.of(REPLICA)))));
        assertThat(created.status()).isEqualTo(201);
        assertThat(api.send("POST", url(REPLICA, "/admin/tenants"), admin, Json.write(Map.of("id", id, "name", "again"))).status())
                .isEqualTo(409);
        assertThat(api.send("GET", url(PRIMARY, "/admin/tenants?limit=10&status=active"), admin, null).status()).isEqualTo(200);
        assertThat(api.send("GET", url(PRIMARY, "/admin/tenants/" + id), admin, null).status()).isEqualTo(200);
        assertThat(api.send("PUT", url(PRIMARY, "/admin/tenants/" + id), admin, "{\"plan\":\"enterprise\"}").status()).isEqualTo(200);
        assertThat(api.send("GET", url(PRIMARY, "/admin/tenants/" + id + "/usage"), admin, null).status()).isEqualTo(200);
        assertThat(api.send("GET", url(PRIMARY, "/admin/tenants/no-such-tenant-here"), admin, null).status()).isEqualTo(404);

        Reply issued = api.send("POST", url(PRIMARY, "/admin/tenants/" + id + "/apikeys"), admin, "{\"name\":\"ci\"}");
        assertThat(issued.status()).isEqualTo(201);
        Credential key = Credential.bearer(issued.body().get("key").asText());
        assertThat(api.send("GET", url(PRIMARY, "/admin/tenants/" + id + "/apikeys"), admin, null).status()).isEqualTo(200);

        // The issued key writes in the primary and reads in the replica.
        Reply written = awaitSend("POST", url(PRIMARY, "/v1/memories"), key, "{\"id\":\"m\",\"namespace\":\"n\",\"content\":\"c\"}",
                r -> r.status() != 401);
        assertThat(written.status()).isEqualTo(201);
        awaitSend("GET", url(REPLICA, "/v1/memories/m"), key, null, r -> r.status() == 200);

        // Suspended: 403 TENANT_SUSPENDED; active again: writes again.
        assertThat(api.send("POST", url(REPLICA, "/admin/tenants/" + id + "/suspend"), admin, null).status()).isEqualTo(200);
        awaitSend("PUT", url(PRIMARY, "/v1/memories/m"), key, "{\"content\":\"refused\"}", r -> "TENANT_SUSPENDED".equals(r.code()));
        assertThat(api.send("POST", url(PRIMARY, "/admin/tenants/" + id + "/activate"), admin, null).status()).isEqualTo(200);
        awaitSend("PUT", url(PRIMARY, "/v1/memories/m"), key, "{\"content\":\"accepted\"}", r -> r.status() == 200);

        // Revoked: 401 in another region; the tenant deleted.
        String hash = issued.body().get("api_key").get("key").asText();
        assertThat(api.send("DELETE", url(PRIMARY, "/admin/apikeys/" + hash), admin, null).status()).isEqualTo(200);
        awaitSend("GET", url(REPLICA, "/v1/memories/m"), key, null, r -> r.status() == 401);
        assertThat(api.send("DELETE", url(PRIMARY, "/admin/tenants/" + id), admin, null).status()).isIn(200, 202);
        assertThat(api.send("GET", url(PRIMARY, "/admin/tenants/" + id), admin, null).status()).isIn(200, 404);
    }

    // ---- helpers -------------------------------------------------------------------------------

    private static String placementPath(TestStack.Tenant t) {
        return "/admin/tenants/" + t.id() + "/placement";
    }

    /** Sends a request until its answer satisfies {@code done}; each answer on the way is checked too. */
    private Reply awaitSend(String method, String url, Credential credential, Predicate<Reply> done) {
        return awaitSend(method, url, credential, null, done);
    }

    /**
     * A read that carries the position of a fresh tenant's first write. That write created the tenant's log,
     * and the region applies it only once its apply app's pattern subscription has seen the log (metadata
     * refresh, then a rebalance): on a loaded two-core CI machine that outlasted {@code read_wait_ms} twice
     * (504 POSITION_NOT_REACHED, itself a documented answer). The 504 is retried; this waits for the 200.
     */
    private Reply awaitApplied(String url, Credential credential, String... headers) {
        return awaitSend("GET", url, credential, null, r -> {
            assertThat(r.status()).as("a read with a position of its own region's write").isIn(200, 504);
            return r.status() == 200;
        }, headers);
    }

    private Reply awaitSend(String method, String url, Credential credential, String body, Predicate<Reply> done, String... headers) {
        AtomicReference<Reply> last = new AtomicReference<>();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(250)).until(() -> {
            last.set(api.send(method, url, credential, body, headers));
            return done.test(last.get());
        });
        return last.get();
    }
}
