package dev.maia.cli.contract;

import com.atlassian.oai.validator.report.ValidationReport;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fast checks of docs/openapi.yaml itself, without regions: it parses without a complaint, and the
 * contract built on it is strict (an undocumented status, an undocumented field, a missing header and a
 * renamed field each fail). OpenApiContractTest checks it against the running regions.
 */
class OpenApiDocumentTest {
    private static final OpenApiContract CONTRACT = OpenApiContract.load();

    private static final String MEMORY = """
            {"id":"m1","namespace":"n","content":"hello","type":"semantic","embedding":[],"metadata":{"k":{"deep":[1]}},
             "tags":["a"],"created_at":"2026-01-01T00:00:00.123Z","updated_at":"2026-01-01T00:00:00.123Z",
             "accessed_at":"2026-01-01T00:00:00.123Z","access_count":0,"confidence":1.0,"source":"user",
             "relations":[{"target_id":"m0","relation":"follows","weight":1.0}]}""";

    private static Exchange getMemory(int status, String body, Map<String, List<String>> headers) {
        return new Exchange("GET", "/v1/memories/m1", null, Map.of("Authorization", List.of("Bearer k")), null,
                status, headers, body);
    }

    private static final Map<String, List<String>> JSON_WITH_ETAG = Map.of("Content-Type", List.of("application/json"),
            "ETag", List.of("\"01J0000000000000000000000A\""));

    @Test
    void theDocumentParsesWithoutMessages() {
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        List<String> messages = new OpenAPIV3Parser().readContents(CONTRACT.text(), null, options).getMessages();
        assertThat(messages).isEmpty();
    }

    @Test
    void aDocumentedAnswerPasses() {
        ValidationReport report = CONTRACT.validate(getMemory(200, MEMORY, JSON_WITH_ETAG));
        assertThat(report.getMessages()).isEmpty();
    }

    @Test
    void nullsWhereTheServerTakesThemAndNestedOpenObjectsPass() {
        Exchange create = new Exchange("POST", "/v1/memories", null, Map.of("Authorization", List.of("Bearer k"),
                "Content-Type", List.of("application/json")),
                "{\"namespace\":\"n\",\"content\":\"c\",\"type\":null,\"tags\":null,\"metadata\":{\"a\":{\"b\":[1]}}}",
                0, Map.of(), null);
        assertThat(CONTRACT.validateRequest(create).getMessages()).isEmpty();
        String tenant = """
                {"id":"t1","name":"T","status":"active","plan":null,"metadata":{"x":1},"created_at":"2026-01-01T00:00:00Z",
                 "updated_at":"2026-01-01T00:00:00Z","epoch":1,"source":"control",
                 "placement":{"tenant_id":"t1","primary_region":"us-west","replicas":[],"mode":"single","epoch":1,
                  "updated_in":"us-west","updated_at":"2026-01-01T00:00:00Z","sync_mode":null,"min_sync_replicas":1,
                  "conflict_strategy":"lww"}}""";
        Exchange get = new Exchange("GET", "/admin/tenants/t1", null, Map.of("Authorization", List.of("Bearer k")), null,
                200, Map.of("Content-Type", List.of("application/json")), tenant);
        assertThat(CONTRACT.validate(get).getMessages()).isEmpty();
        assertThat(CONTRACT.validate(get.withResponse(200, tenant.replace("\"mode\":\"single\"", "\"mode\":\"solo\""))).hasErrors())
                .isTrue();
    }

    @Test
    void anUndocumentedStatusFieldOrHeaderFails() {
        assertThat(keys(CONTRACT.validate(getMemory(418, MEMORY, JSON_WITH_ETAG))))
                .contains("validation.response.status.unknown");
        assertThat(keys(CONTRACT.validate(getMemory(200, MEMORY.replace("\"id\":", "\"extra\":1,\"id\":"), JSON_WITH_ETAG))))
                .anyMatch(k -> k.contains("additionalProperties"));
        assertThat(keys(CONTRACT.validate(getMemory(200, MEMORY, Map.of("Content-Type", List.of("application/json"))))))
                .contains("validation.response.header.missing");
    }

    @Test
    void aDriftedDocumentFailsTheSameAnswer() {
        // The document with the memory's `content` renamed: the server's answer no longer fits it.
        String drifted = DocumentDrift.renameMemoryContent(CONTRACT.text());
        assertThat(drifted).isNotEqualTo(CONTRACT.text());
        ValidationReport report = OpenApiContract.of(drifted).validate(getMemory(200, MEMORY, JSON_WITH_ETAG));
        assertThat(report.hasErrors()).isTrue();
    }

    private static List<String> keys(ValidationReport report) {
        assertThat(report.hasErrors()).isTrue();
        return report.getMessages().stream().map(ValidationReport.Message::getKey).toList();
    }
}
