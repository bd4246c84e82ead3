package dev.maia.producer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maia.schemas.avro.Namespace;
import dev.maia.schemas.avro.Operation;
import dev.maia.schemas.avro.ResourceType;
import dev.maia.schemas.avro.WALEntry;
import dev.maia.schemas.http.ApiException;
import org.junit.jupiter.api.Test;

import static dev.maia.producer.TestRegion.TENANT;
import static dev.maia.producer.TestRegion.details;
import static org.assertj.core.api.Assertions.assertThat;

/** The namespace write routes: the same sequence as memories, with a namespace's body and entry. */
class NamespaceWritesTest {
    private static final String N1 = "{\"id\":\"n1\",\"name\":\"projects\",\"parent\":\"root\",\"config\":{\"ttl\":\"7d\"}}";

    private final TestRegion region = new TestRegion();

    @Test
    void aNamespaceIsCreatedUpdatedAndDeletedThroughTheWal() throws Exception {
        JsonNode created = region.json("POST", "/v1/namespaces", N1, 201);
        assertThat(created.get("name").asText()).isEqualTo("projects");
        assertThat(created.has("position")).isTrue();

        JsonNode updated = region.json("PUT", "/v1/namespaces/n1", "{\"template\":\"notes\"}", 200);
        assertThat(updated.get("template").asText()).isEqualTo("notes");
        assertThat(updated.get("name").asText()).isEqualTo("projects");
        assertThat(updated.get("parent").asText()).isEqualTo("root");

        assertThat(region.json("DELETE", "/v1/namespaces/n1", null, 200).get("deleted").asBoolean()).isTrue();

        assertThat(region.wal.entries()).extracting(WALEntry::getOperation)
                .containsExactly(Operation.CREATE, Operation.UPDATE, Operation.DELETE);
        assertThat(region.wal.entries()).extracting(WALEntry::getResourceType).containsOnly(ResourceType.namespace);
        WALEntry update = region.wal.entries().get(1);
        assertThat(update.getNamespace()).isEqualTo("projects");
        // Config values travel as JSON text.
        assertThat(((Namespace) update.getData()).getConfig()).containsEntry("ttl", "\"7d\"");
        assertThat(region.wal.entries().get(2).getData()).isNull();
    }

    @Test
    void refusalsAreTheSameAsForMemories() throws Exception {
        ApiException invalid = region.refusal("POST", "/v1/namespaces", "{\"parent\":\"p\"}");
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(details(invalid).get("field").asText()).isEqualTo("name");

        region.json("POST", "/v1/namespaces", N1, 201);
        ApiException exists = region.refusal("POST", "/v1/namespaces", N1);
        assertThat(exists.status()).isEqualTo(409);
        assertThat(exists.getMessage()).isEqualTo("namespace n1 already exists");
        ApiException missing = region.refusal("PUT", "/v1/namespaces/nope", "{\"config\":{}}");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.getMessage()).isEqualTo("namespace nope not found");
        assertThat(region.wal.entries()).hasSize(1);
    }

    @Test
    void aNamespaceWriteOfAnotherRegionsTenantIs307() {
        region.placements.place(TENANT, "ap-tokyo", 1);

        ApiException e = region.refusal("POST", "/v1/namespaces", N1);
        assertThat(e.status()).isEqualTo(307);
        assertThat(e.headers()).containsEntry("Location", "http://ap-tokyo.test:8080/v1/namespaces");
        assertThat(region.wal.entries()).isEmpty();
    }

    @Test
    void namespacesHaveNoBatchRoute() {
        assertThat(region.routes.mounted()).contains("POST /v1/memories/batch").doesNotContain("POST /v1/namespaces/batch")
                .contains("POST /v1/namespaces", "PUT /v1/namespaces/{id}", "DELETE /v1/namespaces/{id}");
    }

    @Test
    void aNameIsUniqueInTheTenantEvenBeforeTheFirstCreateIsApplied() throws Exception {
        region.state.lag();
        region.json("POST", "/v1/namespaces", N1, 201);
        ApiException taken = region.refusal("POST", "/v1/namespaces", "{\"name\":\"projects\"}");
        assertThat(taken.status()).isEqualTo(409);
        assertThat(taken.code()).isEqualTo("ALREADY_EXISTS");
        assertThat(details(taken).get("field").asText()).isEqualTo("name");
        assertThat(details(taken).get("id").asText()).isEqualTo("n1");

        region.json("POST", "/v1/namespaces", "{\"id\":\"n2\",\"name\":\"notes\"}", 201);
        assertThat(region.refusal("PUT", "/v1/namespaces/n2", "{\"name\":\"projects\"}").status()).isEqualTo(409);
        // A namespace keeps its own name; a name freed by a rename or a delete is free.
        region.json("PUT", "/v1/namespaces/n1", "{\"name\":\"projects\",\"template\":\"t\"}", 200);
        region.json("PUT", "/v1/namespaces/n1", "{\"name\":\"archive\"}", 200);
        region.json("PUT", "/v1/namespaces/n2", "{\"name\":\"projects\"}", 200);
        region.json("DELETE", "/v1/namespaces/n2", null, 200);
        region.state.catchUp();
        region.json("POST", "/v1/namespaces", "{\"id\":\"n3\",\"name\":\"projects\"}", 201);
        assertThat(region.wal.entries()).hasSize(7);
    }

    @Test
    void aPathNamesANamespaceByIdFirstThenByName() throws Exception {
        region.json("POST", "/v1/namespaces", N1, 201);
        // A namespace whose name is the other's id: the id wins, the name names nothing else.
        region.json("POST", "/v1/namespaces", "{\"id\":\"n2\",\"name\":\"n1\"}", 201);

        JsonNode byName = region.json("PUT", "/v1/namespaces/projects", "{\"template\":\"by-name\"}", 200);
        assertThat(byName.get("id").asText()).isEqualTo("n1");
        JsonNode byId = region.json("PUT", "/v1/namespaces/n1", "{\"template\":\"by-id\"}", 200);
        assertThat(byId.get("id").asText()).isEqualTo("n1");
        assertThat(((Namespace) region.stored(ResourceType.namespace, "n2")).getTemplate()).isNull();

        ApiException unknown = region.refusal("PUT", "/v1/namespaces/no such name", "{\"config\":{}}");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.code()).isEqualTo("NOT_FOUND");
        assertThat(region.json("DELETE", "/v1/namespaces/projects", null, 200).get("deleted").asBoolean()).isTrue();
        assertThat(region.stored(ResourceType.namespace, "n1")).isNull();
        assertThat(region.refusal("DELETE", "/v1/namespaces/projects", null).status()).isEqualTo(404);
    }

    @Test
    void aMemoryNamingItsNamespaceByIdStoresTheName() throws Exception {
        region.json("POST", "/v1/namespaces", N1, 201);
        JsonNode byId = region.json("POST", "/v1/memories", "{\"id\":\"m1\",\"namespace\":\"n1\",\"content\":\"c\"}", 201);
        assertThat(byId.get("namespace").asText()).isEqualTo("projects");
        assertThat(region.wal.entries().get(1).getNamespace()).isEqualTo("projects");
        // Any other value is a name, declared or not (MAIA's "default" need not be created).
        JsonNode undeclared = region.json("POST", "/v1/memories", "{\"namespace\":\"default\",\"content\":\"c\"}", 201);
        assertThat(undeclared.get("namespace").asText()).isEqualTo("default");
        JsonNode moved = region.json("PUT", "/v1/memories/m1", "{\"namespace\":\"n1\",\"content\":\"d\"}", 200);
        assertThat(moved.get("namespace").asText()).isEqualTo("projects");
        JsonNode batch = region.json("POST", "/v1/memories/batch", "{\"memories\":[{\"namespace\":\"n1\",\"content\":\"e\"}]}", 201);
        assertThat(batch.get("results").get(0).get("memory").get("namespace").asText()).isEqualTo("projects");
    }

    @Test
    void theMemoryIdSearchIsReservedForMaiasSearchEndpoint() {
        ApiException reserved = region.refusal("POST", "/v1/memories", "{\"id\":\"search\",\"namespace\":\"n\",\"content\":\"c\"}");
        assertThat(reserved.status()).isEqualTo(400);
        assertThat(details(reserved).get("field").asText()).isEqualTo("id");
        assertThat(region.wal.entries()).isEmpty();
    }
}
