package dev.maia.cli;

import dev.maia.schemas.wal.WalTopics;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hundreds of malformed writes: none may answer 5xx, every one must be refused with a 4xx JSON error,
 * and the tenant's log must stay empty (no placement is created either).
 */
class WriteFuzzTest extends RegionsTest {
    private static final String[] FIELDS = {"namespace", "content", "type", "metadata", "tags", "confidence", "source",
            "embedding", "relations", "id"};
    private static final String[] BAD_VALUES = {"null", "123", "-1e309", "true", "[]", "{}", "\"\"", "\"   \"",
            "[1,\"a\",null]", "{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":{\"g\":{\"h\":{\"i\":1}}}}}}}}}", "\"\\u0000\"",
            "\"" + "é".repeat(40_000) + "\"", "[" + "0.5,".repeat(5000) + "0.5]", "\"../../etc\"", "\"dream\"", "2",
            "[{\"target_id\":5}]", "[\"" + "t".repeat(200) + "\"]", "NaN", "\"id with spaces\""};

    @Test
    void malformedWritesNeverAnswer5xxAndNeverAppend() throws Exception {
        TestStack.Tenant t = TestStack.tenant();
        String base = nodes.node("us-west").endpoint();
        HttpClient http = HttpClient.newHttpClient();
        Random random = new Random(20261128);
        List<HttpRequest> requests = new ArrayList<>();

        // Every field with every bad value, in an otherwise valid create.
        for (String field : FIELDS) {
            for (String bad : BAD_VALUES) {
                String body = "{\"namespace\":\"n\",\"content\":\"c\",\"" + field + "\":" + bad + "}";
                if (isValidCombination(field, bad)) {
                    continue;
                }
                requests.add(post(base + "/v1/memories", t.key(), body));
            }
        }
        // Broken JSON: truncations and byte flips of a valid body.
        String valid = "{\"namespace\":\"n\",\"content\":\"c\",\"tags\":[\"a\"],\"metadata\":{\"k\":1}}";
        for (int i = 1; i < valid.length(); i += 3) {
            requests.add(post(base + "/v1/memories", t.key(), valid.substring(0, i)));
        }
        for (int i = 0; i < 40; i++) {
            byte[] garbage = new byte[random.nextInt(200) + 1];
            random.nextBytes(garbage);
            requests.add(HttpRequest.newBuilder(URI.create(base + "/v1/memories")).header("Authorization", "Bearer " + t.key())
                    .POST(HttpRequest.BodyPublishers.ofByteArray(garbage)).build());
        }
        // Bad batches, bad paths, bad methods, bad ids.
        requests.add(post(base + "/v1/memories/batch", t.key(), "{\"memories\":{}}"));
        requests.add(post(base + "/v1/memories/batch", t.key(), "{\"memories\":[1,2,3]}"));
        requests.add(post(base + "/v1/memories/batch", t.key(), "{\"memories\":[" + "{\"namespace\":\"n\",\"content\":\"c\"},".repeat(600) + "{}]}"));
        requests.add(post(base + "/v1/namespaces", t.key(), "{\"name\":5}"));
        requests.add(post(base + "/v1/namespaces", t.key(), "{\"name\":\"n\",\"config\":[1]}"));
        requests.add(put(base + "/v1/memories/%2E%2E", t.key(), "{\"content\":\"x\"}"));
        requests.add(put(base + "/v1/memories/bad%20id", t.key(), "{\"content\":\"x\"}"));
        requests.add(put(base + "/v1/memories/unknown", t.key(), "not json"));
        requests.add(put(base + "/v1/namespaces/unknown", t.key(), "{\"config\":{}}"));
        requests.add(HttpRequest.newBuilder(URI.create(base + "/v1/memories")).header("Authorization", "Bearer " + t.key())
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{}")).build());
        requests.add(HttpRequest.newBuilder(URI.create(base + "/v1/memories/x/y/z")).header("Authorization", "Bearer " + t.key())
                .GET().build());
        requests.add(post(base + "/v1/memories", "not-a-key", valid));
        requests.add(post(base + "/v1/memories", null, valid));

        assertThat(requests).hasSizeGreaterThanOrEqualTo(200);
        for (HttpRequest request : requests) {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            assertThat(r.statusCode()).as("%s %s", request.method(), request.uri()).isBetween(400, 499);
            assertThat(r.body()).as("%s %s", request.method(), request.uri()).contains("\"code\"").contains("\"error\"");
        }
        assertThat(TestStack.readAll("us-west", WalTopics.wal(t.id()))).isEmpty();
        assertThat(TestStack.getPlacement("us-west", t.id()).status())
                .as("a refused write does not even place the tenant").isEqualTo(404);
    }

    /** The few generated combinations that are in fact valid input: an exact oracle of the API's rules. */
    private static boolean isValidCombination(String field, String value) {
        com.fasterxml.jackson.databind.JsonNode v;
        try {
            v = dev.maia.schemas.http.Json.MAPPER.readTree(value);
        } catch (Exception e) {
            return false;
        }
        boolean optional = !field.equals("namespace") && !field.equals("content");
        if (v == null || v.isNull()) {
            return optional;
        }
        String text = v.isTextual() ? v.asText() : null;
        return switch (field) {
            case "namespace" -> text != null && !text.isBlank() && text.getBytes(StandardCharsets.UTF_8).length <= 256;
            case "content" -> text != null && !text.isBlank() && text.getBytes(StandardCharsets.UTF_8).length <= 64 * 1024;
            case "id" -> text != null && text.matches("[A-Za-z0-9_-]{1,128}");
            case "type" -> text != null && List.of("semantic", "episodic", "working").contains(text);
            case "source" -> text != null && List.of("user", "extracted", "inferred", "imported").contains(text);
            case "confidence" -> v.isNumber() && v.asDouble() >= 0 && v.asDouble() <= 1;
            case "metadata" -> v.isObject() && depth(v) <= 8;
            case "tags" -> v.isArray() && v.size() <= 64 && java.util.stream.StreamSupport.stream(v.spliterator(), false)
                    .allMatch(t -> t.isTextual() && !t.asText().isEmpty() && t.asText().length() <= 128);
            case "embedding" -> v.isArray() && v.size() <= 4096 && java.util.stream.StreamSupport.stream(v.spliterator(), false)
                    .allMatch(com.fasterxml.jackson.databind.JsonNode::isNumber);
            case "relations" -> v.isArray() && v.isEmpty();
            default -> false;
        };
    }

    private static int depth(com.fasterxml.jackson.databind.JsonNode node) {
        int deepest = 0;
        for (com.fasterxml.jackson.databind.JsonNode child : node) {
            deepest = Math.max(deepest, depth(child));
        }
        return node.isContainerNode() ? deepest + 1 : 0;
    }

    private static HttpRequest post(String url, String key, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return b.build();
    }

    private static HttpRequest put(String url, String key, String body) {
        return HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + key)
                .PUT(HttpRequest.BodyPublishers.ofString(body)).build();
    }
}
