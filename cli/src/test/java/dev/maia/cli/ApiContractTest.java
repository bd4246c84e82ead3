package dev.maia.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static dev.maia.cli.MaiaClientContractTest.assertListShape;
import static dev.maia.cli.MaiaClientContractTest.sdkSegment;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * MAIA's API contract on real regions, where this project broke it (issue 13, "Why"): lists in MAIA's
 * shape with limit/offset paging, a namespace named by id or by name, MAIA's query endpoints answered 501,
 * MAIA's codes and statuses; writes in the tenant's primary, reads in a replica region.
 */
class ApiContractTest extends RegionsTest {
    private static final String PRIMARY = "us-west";
    private static final String REPLICA = "eu-central";

    private TestStack.Tenant globalTenant() throws Exception {
        TestStack.Tenant t = TestStack.tenant();
        TestStack.place(t.id(), "global", PRIMARY);
        return t;
    }

    private JsonNode write(String method, String path, TestStack.Tenant t, String body, int status) throws Exception {
        MaiaClient.Reply r = client.send(method, url(PRIMARY, path), t.key(), body);
        assertThat(r.status()).as("%s %s: %s", method, path, r.body()).isEqualTo(status);
        return r.body();
    }

    private MaiaClient.Reply read(String region, String path, TestStack.Tenant t) throws Exception {
        return client.send("GET", url(region, path), t.key(), null);
    }

    private static void assertRefused(MaiaClient.Reply r, int status, String code) {
        assertThat(r.status()).as("%s", r.body()).isEqualTo(status);
        assertThat(r.body().get("code").asText()).isEqualTo(code);
        assertThat(r.body().get("error").asText()).isNotBlank();
    }

    @Test
    void listsAnswerMaiasShapeAndPageInAReplica() throws Exception {
        TestStack.Tenant t = globalTenant();
        for (int i = 0; i < 3; i++) {
            write("POST", "/v1/namespaces", t, "{\"id\":\"ns" + i + "\",\"name\":\"space-" + i + "\"}", 201);
        }
        List<String> memories = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            memories.add(write("POST", "/v1/memories", t, "{\"namespace\":\"space-0\",\"content\":\"m" + i + "\"}", 201).get("id").asText());
        }
        JsonNode all = TestStack.awaitGet(REPLICA, "/v1/namespaces", t.key(), r -> r.body().path("total").asInt() == 3).body();
        assertListShape(all, 100, 0);
        assertThat(all.get("count").asInt()).isEqualTo(3);
        JsonNode page = read(REPLICA, "/v1/namespaces?limit=2&offset=1", t).body();
        assertListShape(page, 2, 1);
        assertThat(page.get("data")).extracting(n -> n.get("id").asText()).containsExactly("ns1", "ns2");
        assertThat(read(REPLICA, "/v1/namespaces?offset=7", t).body().get("data")).isEmpty();

        JsonNode first = TestStack.awaitGet(REPLICA, "/v1/namespaces/ns0/memories?limit=3", t.key(),
                r -> r.body().path("total").asInt() == 5).body();
        assertListShape(first, 3, 0);
        assertThat(first.get("data")).extracting(m -> m.get("id").asText()).containsExactlyElementsOf(memories.subList(0, 3));
        JsonNode rest = read(REPLICA, "/v1/namespaces/ns0/memories?limit=3&offset=3", t).body();
        assertThat(rest.get("count").asInt()).isEqualTo(2);
        assertThat(rest.get("data")).extracting(m -> m.get("id").asText()).containsExactlyElementsOf(memories.subList(3, 5));
    }

    @Test
    void badPagingIsRefusedNamingTheParameterAndALargeLimitIsClamped() throws Exception {
        TestStack.Tenant t = globalTenant();
        write("POST", "/v1/namespaces", t, "{\"id\":\"ns\",\"name\":\"space\"}", 201);
        TestStack.awaitGet(REPLICA, "/v1/namespaces/ns", t.key(), 200);
        for (String path : List.of("/v1/namespaces", "/v1/namespaces/ns/memories", "/v1/namespaces/space/memories")) {
            for (String query : List.of("limit=0", "limit=-1", "limit=ten", "limit=", "offset=-1", "offset=1.5")) {
                MaiaClient.Reply r = read(REPLICA, path + "?" + query, t);
                assertRefused(r, 400, "INVALID_INPUT");
                assertThat(r.body().get("details").get("field").asText()).isEqualTo(query.substring(0, query.indexOf('=')));
            }
            assertListShape(read(REPLICA, path + "?limit=5000", t).body(), 1000, 0);
            assertListShape(read(REPLICA, path, t).body(), 100, 0);
        }
    }

    @Test
    void aNamespaceIsNamedByNameInEveryPathAndEveryRegion() throws Exception {
        TestStack.Tenant t = globalTenant();
        // A name that is not an id, with the characters an SDK encodes.
        String name = "agents/alpha beta";
        String id = write("POST", "/v1/namespaces", t, "{\"name\":\"" + name + "\"}", 201).get("id").asText();
        String memory = write("POST", "/v1/memories", t, "{\"namespace\":\"" + name + "\",\"content\":\"c\"}", 201).get("id").asText();
        String segment = sdkSegment(name);
        for (String region : List.of(REPLICA, PRIMARY)) {
            JsonNode ns = TestStack.awaitGet(region, "/v1/namespaces/" + segment, t.key(), 200).body();
            assertThat(ns.get("id").asText()).isEqualTo(id);
            JsonNode listed = TestStack.awaitGet(region, "/v1/namespaces/" + segment + "/memories", t.key(),
                    r -> r.status() == 200 && r.body().get("count").asInt() == 1).body();
            assertThat(listed.get("data").get(0).get("id").asText()).isEqualTo(memory);
        }
        // Writes by name: in the primary; a replica redirects them there as any write.
        MaiaClient.Reply redirected = client.send("PUT", url(REPLICA, "/v1/namespaces/" + segment), t.key(), "{\"template\":\"t\"}");
        assertThat(redirected.status()).isEqualTo(307);
        assertThat(redirected.header("Location")).isEqualTo(nodes.node(PRIMARY).endpoint() + "/v1/namespaces/" + segment);
        assertThat(write("PUT", "/v1/namespaces/" + segment, t, "{\"template\":\"t\"}", 200).get("id").asText()).isEqualTo(id);
        assertThat(write("DELETE", "/v1/namespaces/" + segment, t, null, 200).get("deleted").asBoolean()).isTrue();
        TestStack.awaitGet(REPLICA, "/v1/namespaces/" + id, t.key(), 404);
        assertRefused(read(REPLICA, "/v1/namespaces/" + segment, t), 404, "NOT_FOUND");
        assertRefused(client.send("PUT", url(PRIMARY, "/v1/namespaces/" + segment), t.key(), "{\"template\":\"u\"}"), 404, "NOT_FOUND");
    }

    @Test
    void anIdNamesItsNamespaceBeforeAName() throws Exception {
        TestStack.Tenant t = globalTenant();
        String a = "ns-" + UUID.randomUUID().toString().substring(0, 8);
        write("POST", "/v1/namespaces", t, "{\"id\":\"" + a + "\",\"name\":\"alpha\"}", 201);
        // B's name is A's id: "a" names A; B is reached by its id.
        String b = write("POST", "/v1/namespaces", t, "{\"name\":\"" + a + "\"}", 201).get("id").asText();
        write("POST", "/v1/memories", t, "{\"namespace\":\"alpha\",\"content\":\"in A\"}", 201);
        TestStack.awaitGet(REPLICA, "/v1/namespaces/" + b, t.key(), 200);
        assertThat(read(REPLICA, "/v1/namespaces/" + a, t).body().get("name").asText()).isEqualTo("alpha");
        assertThat(read(REPLICA, "/v1/namespaces/" + b, t).body().get("name").asText()).isEqualTo(a);
        JsonNode listed = TestStack.awaitGet(REPLICA, "/v1/namespaces/" + a + "/memories", t.key(),
                r -> r.body().path("count").asInt() == 1).body();
        assertThat(listed.get("data").get(0).get("content").asText()).isEqualTo("in A");
        assertThat(read(REPLICA, "/v1/namespaces/" + b + "/memories", t).body().get("count").asInt()).isZero();
    }

    @Test
    void aMemoryCreatedWithItsNamespacesIdStoresTheNameAndIsListedUnderIt() throws Exception {
        TestStack.Tenant t = globalTenant();
        String ns = write("POST", "/v1/namespaces", t, "{\"name\":\"projects\"}", 201).get("id").asText();
        JsonNode m = write("POST", "/v1/memories", t, "{\"namespace\":\"" + ns + "\",\"content\":\"c\"}", 201);
        assertThat(m.get("namespace").asText()).isEqualTo("projects");
        for (String byIdOrName : List.of(ns, "projects")) {
            JsonNode listed = TestStack.awaitGet(REPLICA, "/v1/namespaces/" + byIdOrName + "/memories", t.key(),
                    r -> r.status() == 200 && r.body().get("count").asInt() == 1).body();
            assertThat(listed.get("data").get(0).get("id").asText()).isEqualTo(m.get("id").asText());
            assertThat(listed.get("data").get(0).get("namespace").asText()).isEqualTo("projects");
        }
    }

    @Test
    void aSecondNamespaceOfOneNameIs409AlreadyExists() throws Exception {
        TestStack.Tenant t = globalTenant();
        String first = write("POST", "/v1/namespaces", t, "{\"name\":\"shared\"}", 201).get("id").asText();
        MaiaClient.Reply twice = client.send("POST", url(PRIMARY, "/v1/namespaces"), t.key(), "{\"name\":\"shared\"}");
        assertRefused(twice, 409, "ALREADY_EXISTS");
        assertThat(twice.body().get("details").get("id").asText()).isEqualTo(first);
        String other = write("POST", "/v1/namespaces", t, "{\"name\":\"other\"}", 201).get("id").asText();
        assertRefused(client.send("PUT", url(PRIMARY, "/v1/namespaces/" + other), t.key(), "{\"name\":\"shared\"}"), 409, "ALREADY_EXISTS");
    }

    @Test
    void maiasQueryEndpointsAnswer501ForEveryMethodAndUnknownPathsStay404() throws Exception {
        TestStack.Tenant t = globalTenant();
        for (String path : List.of("/v1/memories/search", "/v1/context")) {
            for (String method : List.of("POST", "GET", "PUT", "DELETE", "PATCH")) {
                MaiaClient.Reply r = client.send(method, url(REPLICA, path), t.key(), method.equals("GET") || method.equals("DELETE")
                        ? null : "{\"query\":\"q\"}");
                assertRefused(r, 501, "NOT_IMPLEMENTED");
                assertThat(r.body().get("error").asText()).startsWith(method + " " + path + " is not served by this replication layer");
            }
        }
        assertRefused(read(REPLICA, "/v1/nothing-here", t), 404, "NOT_FOUND");
        // The memory id "search" would be shadowed by the endpoint: refused at create.
        MaiaClient.Reply reserved = client.send("POST", url(PRIMARY, "/v1/memories"), t.key(),
                "{\"id\":\"search\",\"namespace\":\"n\",\"content\":\"c\"}");
        assertRefused(reserved, 400, "INVALID_INPUT");
        assertThat(reserved.body().get("details").get("field").asText()).isEqualTo("id");
    }

    @Test
    void statsCountThisRegionsStore() throws Exception {
        TestStack.Tenant t = globalTenant();
        String ns = write("POST", "/v1/namespaces", t, "{\"name\":\"projects\"}", 201).get("id").asText();
        write("POST", "/v1/namespaces", t, "{\"name\":\"empty\"}", 201);
        for (int i = 0; i < 3; i++) {
            write("POST", "/v1/memories", t, "{\"namespace\":\"projects\",\"content\":\"p" + i + "\"}", 201);
        }
        String gone = write("POST", "/v1/memories", t, "{\"namespace\":\"default\",\"content\":\"d\"}", 201).get("id").asText();
        write("POST", "/v1/memories", t, "{\"namespace\":\"default\",\"content\":\"e\"}", 201);
        write("DELETE", "/v1/memories/" + gone, t, null, 200);
        JsonNode stats = TestStack.awaitGet(REPLICA, "/v1/stats", t.key(),
                r -> r.body().path("total_memories").asInt() == 4 && r.body().path("total_namespaces").asInt() == 2).body();
        assertThat(stats.get("tenant_id").asText()).isEqualTo(t.id());
        assertThat(stats.get("region").asText()).isEqualTo(REPLICA);
        assertThat(stats.get("namespaces")).hasSize(3);
        JsonNode projects = stats.get("namespaces").get(0).get("name").asText().equals("projects")
                ? stats.get("namespaces").get(0) : stats.get("namespaces").get(1);
        assertThat(projects.get("id").asText()).isEqualTo(ns);
        assertThat(projects.get("memories").asInt()).isEqualTo(3);
        // A memory's namespace need not exist (MAIA's "default"): listed by name, without an id.
        JsonNode undeclared = stats.get("namespaces").get(2);
        assertThat(undeclared.get("name").asText()).isEqualTo("default");
        assertThat(undeclared.get("id").isNull()).isTrue();
        assertThat(undeclared.get("memories").asInt()).isEqualTo(1);
    }

    @Test
    void refusalsCarryMaiasCodesAndStatuses() throws Exception {
        TestStack.Tenant t = globalTenant();
        write("POST", "/v1/memories", t, "{\"namespace\":\"n\",\"content\":\"c\"}", 201);
        assertRefused(client.send("PUT", url(PRIMARY, "/v1/namespaces/unknown"), t.key(), "{\"config\":{}}"), 404, "NOT_FOUND");
        assertRefused(client.send("DELETE", url(PRIMARY, "/v1/namespaces/unknown"), t.key(), null), 404, "NOT_FOUND");
        assertRefused(client.send("PUT", url(PRIMARY, "/v1/memories/unknown"), t.key(), "{\"content\":\"x\"}"), 404, "NOT_FOUND");
        assertRefused(read(REPLICA, "/v1/namespaces/unknown/memories", t), 404, "NOT_FOUND");
        assertRefused(client.send("POST", url(PRIMARY, "/v1/memories"), t.key(), "{\"content\":\"no namespace\"}"), 400, "INVALID_INPUT");
        assertRefused(client.send("POST", url(PRIMARY, "/v1/memories"), t.key(), "not json"), 400, "INVALID_INPUT");
        assertRefused(client.send("GET", url(PRIMARY, "/v1/stats"), null, null), 401, "UNAUTHORIZED");
    }
}
