package dev.maia.producer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maia.schemas.avro.Memory;
import dev.maia.schemas.avro.MemorySource;
import dev.maia.schemas.avro.MemoryType;
import dev.maia.schemas.avro.Relation;
import dev.maia.schemas.http.ApiException;
import dev.maia.schemas.json.MemoryJson;
import dev.maia.schemas.wal.AvroClasses;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Turns MAIA's JSON write bodies into {@link Memory} records, refusing anything out of shape or over
 * the limits with the field it concerns. Nothing is written before this has passed. Public because
 * every way into the WAL (the HTTP API, {@code maia produce --via kafka}) must apply the same rules.
 */
public final class MemoryRequests {
    static {
        AvroClasses.trust();
    }

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]+");

    private final WriteLimits limits;

    public MemoryRequests(WriteLimits limits) {
        this.limits = limits;
    }

    /** A new memory from a {@code POST /v1/memories} body; MAIA's defaults fill what is absent. */
    public Memory create(JsonNode body, String id, Instant now) {
        Memory.Builder m = Memory.newBuilder()
                .setId(id)
                .setNamespace(requiredString(body, "namespace", limits.maxIdLength() * 2))
                .setContent(requiredString(body, "content", limits.maxContentBytes()))
                .setCreatedAt(now)
                .setUpdatedAt(now)
                .setAccessedAt(now);
        applyOptional(body, m);
        return m.build();
    }

    /** The current memory with only the fields given in a {@code PUT} body changed. */
    Memory update(JsonNode body, Memory current, Instant now) {
        Memory.Builder m = Memory.newBuilder(current).setUpdatedAt(now);
        if (body.has("namespace")) {
            m.setNamespace(requiredString(body, "namespace", limits.maxIdLength() * 2));
        }
        if (body.has("content")) {
            m.setContent(requiredString(body, "content", limits.maxContentBytes()));
        }
        applyOptional(body, m);
        return m.build();
    }

    /** Client-chosen ids must be safe in keys and URLs. */
    String validateId(String id) {
        if (id == null || id.isEmpty() || id.length() > limits.maxIdLength() || !ID.matcher(id).matches()) {
            throw ApiException.invalidInput("id", "id must match [A-Za-z0-9_-]{1," + limits.maxIdLength() + "}");
        }
        return id;
    }

    private void applyOptional(JsonNode body, Memory.Builder m) {
        if (present(body, "type")) {
            m.setType(enumValue(body, "type", MemoryType.class));
        }
        if (present(body, "source")) {
            m.setSource(enumValue(body, "source", MemorySource.class));
        }
        if (present(body, "confidence")) {
            JsonNode c = body.get("confidence");
            if (!c.isNumber() || c.asDouble() < 0 || c.asDouble() > 1 || Double.isNaN(c.asDouble())) {
                throw ApiException.invalidInput("confidence", "confidence must be a number between 0 and 1");
            }
            m.setConfidence(c.asDouble());
        }
        if (present(body, "metadata")) {
            JsonNode meta = body.get("metadata");
            if (!meta.isObject()) {
                throw ApiException.invalidInput("metadata", "metadata must be a JSON object");
            }
            if (meta.toString().getBytes(StandardCharsets.UTF_8).length > limits.maxMetadataBytes()) {
                throw ApiException.invalidInput("metadata", "metadata exceeds " + limits.maxMetadataBytes() + " bytes");
            }
            if (depth(meta) > limits.maxMetadataDepth()) {
                throw ApiException.invalidInput("metadata", "metadata nests deeper than " + limits.maxMetadataDepth() + " levels");
            }
            m.setMetadata(MemoryJson.metadataFromJson(meta));
        }
        if (present(body, "tags")) {
            m.setTags(tags(body.get("tags")));
        }
        if (present(body, "embedding")) {
            m.setEmbedding(embedding(body.get("embedding")));
        }
        if (present(body, "relations")) {
            m.setRelations(relations(body.get("relations")));
        }
    }

    static int depth(JsonNode node) {
        int deepest = 0;
        for (JsonNode child : node) {
            deepest = Math.max(deepest, depth(child));
        }
        return node.isContainerNode() ? deepest + 1 : 0;
    }

    /** A client-chosen id from a create body, or a new ULID. */
    public String idFor(JsonNode body) {
        JsonNode id = body.get("id");
        if (id == null || id.isNull()) {
            return dev.maia.schemas.wal.Ulid.next();
        }
        if (!id.isTextual()) {
            throw ApiException.invalidInput("id", "id must be a string");
        }
        return validateId(id.asText());
    }

    static boolean present(JsonNode body, String field) {
        return body.has(field) && !body.get(field).isNull();
    }

    static String requiredString(JsonNode body, String field, int maxBytes) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            throw ApiException.invalidInput(field, field + " is required");
        }
        if (!v.isTextual() || v.asText().isBlank()) {
            throw ApiException.invalidInput(field, field + " must be a non-empty string");
        }
        if (v.asText().getBytes(StandardCharsets.UTF_8).length > maxBytes) {
            throw ApiException.invalidInput(field, field + " exceeds " + maxBytes + " bytes");
        }
        return v.asText();
    }

    private static <E extends Enum<E>> E enumValue(JsonNode body, String field, Class<E> type) {
        JsonNode v = body.get(field);
        if (v.isTextual()) {
            for (E e : type.getEnumConstants()) {
                if (e.name().equals(v.asText())) {
                    return e;
                }
            }
        }
        throw new ApiException(400, "INVALID_INPUT", field + " must be one of " + Arrays.toString(type.getEnumConstants()),
                Map.of("field", field));
    }

    private List<String> tags(JsonNode v) {
        if (!v.isArray()) {
            throw ApiException.invalidInput("tags", "tags must be an array of strings");
        }
        if (v.size() > limits.maxTags()) {
            throw ApiException.invalidInput("tags", "at most " + limits.maxTags() + " tags");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode t : v) {
            if (!t.isTextual() || t.asText().isEmpty() || t.asText().length() > limits.maxTagLength()) {
                throw ApiException.invalidInput("tags", "each tag must be a string of 1 to " + limits.maxTagLength() + " characters");
            }
            out.add(t.asText());
        }
        return out;
    }

    private List<Float> embedding(JsonNode v) {
        if (!v.isArray()) {
            throw ApiException.invalidInput("embedding", "embedding must be an array of numbers");
        }
        if (v.size() > limits.maxEmbeddingLength()) {
            throw ApiException.invalidInput("embedding", "at most " + limits.maxEmbeddingLength() + " dimensions");
        }
        List<Float> out = new ArrayList<>(v.size());
        for (JsonNode x : v) {
            if (!x.isNumber() || !Float.isFinite(x.floatValue())) {
                throw ApiException.invalidInput("embedding", "embedding values must be finite numbers");
            }
            out.add(x.floatValue());
        }
        return out;
    }

    private List<Relation> relations(JsonNode v) {
        if (!v.isArray() || v.size() > limits.maxRelations()) {
            throw ApiException.invalidInput("relations", "relations must be an array of at most " + limits.maxRelations() + " items");
        }
        List<Relation> out = new ArrayList<>();
        for (JsonNode r : v) {
            if (!r.isObject() || !r.path("target_id").isTextual() || !r.path("relation").isTextual()
                    || (r.has("weight") && !r.get("weight").isNumber())) {
                throw ApiException.invalidInput("relations", "each relation needs target_id and relation strings and an optional numeric weight");
            }
            out.add(Relation.newBuilder().setTargetId(validateId(r.get("target_id").asText()))
                    .setRelation(r.get("relation").asText()).setWeight(r.path("weight").asDouble(1.0)).build());
        }
        return out;
    }
}
