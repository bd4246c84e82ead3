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
}
