package dev.maia.schemas.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;

/** The project's one JSON mapper, strict on input. */
public final class Json {
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .build();

    static {
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build());
    }

    private Json() {
    }

    /**
     * Request bodies are read with NaN and Infinity tokens allowed, only so that {@link #requireFinite} can
     * refuse them naming their field (as it refuses a literal such as 1e999, which is a double's infinity):
     * no non-finite number gets past a request body.
     */
    private static final ObjectReader REQUEST_READER = MAPPER.reader().with(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS.mappedFeature());

    /**
     * Parses a request body; anything that is not one JSON object is a 400, and so is a number that is not
     * finite anywhere in it (NaN, Infinity, 1e999), with {@code details.field} the top-level field it is under.
     */
    public static JsonNode parseObject(byte[] body) {
        if (body == null || body.length == 0) {
            throw ApiException.invalidInput("body", "request body is empty; a JSON object is expected");
        }
        JsonNode node;
        try {
            node = REQUEST_READER.readTree(body);
        } catch (IOException e) {
            String detail = e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
            throw ApiException.invalidInput("body", "malformed JSON: " + detail);
        }
        if (node == null || !node.isObject()) {
            throw ApiException.invalidInput("body", "a JSON object is expected");
        }
        node.fields().forEachRemaining(f -> requireFinite(f.getValue(), f.getKey(), f.getKey()));
        return node;
    }

    private static void requireFinite(JsonNode node, String field, String path) {
        if (node.isNumber()) {
            if (node.isFloatingPointNumber() && !Double.isFinite(node.doubleValue())) {
                throw ApiException.invalidInput(field, path + " must be a finite number, got " + node.asText());
            }
        } else if (node.isObject()) {
            node.fields().forEachRemaining(f -> requireFinite(f.getValue(), field, path + "." + f.getKey()));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                requireFinite(node.get(i), field, path + "[" + i + "]");
            }
        }
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }
}
