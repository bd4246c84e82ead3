package dev.maia.producer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.maia.schemas.avro.Memory;
import dev.maia.schemas.avro.MemorySource;
import dev.maia.schemas.avro.MemoryType;
import dev.maia.schemas.avro.Namespace;
import dev.maia.schemas.avro.Operation;
import dev.maia.schemas.avro.Relation;
import dev.maia.schemas.avro.ResourceType;
import dev.maia.schemas.avro.WALEntry;
import dev.maia.schemas.http.ApiException;
import dev.maia.schemas.json.MemoryJson;
import dev.maia.schemas.read.CurrentState;
import dev.maia.schemas.wal.AvroClasses;
import dev.maia.schemas.wal.WalEntries;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Memories as the write sequence sees them: MAIA's JSON write bodies become {@link Memory} records,
 * refusing anything out of shape or over the limits with the field it concerns (nothing is written
 * before this has passed), and a change becomes its WAL entry. Public because every way into the WAL
 * ({@code maia produce --via kafka}, the sizes {@code maia bench} generates) must apply the same rules.
 */
public final class MemoryRequests extends ResourceKind<Memory> {
    static {
        AvroClasses.trust();
    }

    private static final Set<String> RESERVED_IDS = Set.of("search");

    private final WriteLimits limits;
    private final ResourceIds ids;

    public MemoryRequests(WriteLimits limits) {
        super(ResourceType.memory, "memories", Memory.class);
        this.limits = limits;
        this.ids = new ResourceIds(limits);
    }

    /** A new memory from a {@code POST /v1/memories} body; MAIA's defaults fill what is absent. */
    @Override
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
    @Override
    public Memory update(JsonNode body, Memory current, Instant now) {
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

    @Override
    public WALEntry entry(Operation op, String tenant, String id, Memory data, WALEntry current, long hlc, String region, long epoch) {
        // A delete carries no memory; its entry still names the namespace the memory was in.
        String namespace = data != null ? data.getNamespace() : current.getNamespace();
        return WalEntries.memoryChange(op, tenant, id, namespace, data, hlc, region, epoch);
    }

    @Override
    public Map<String, Object> toJson(Memory resource) {
        return MemoryJson.toJson(resource);
    }

    /** {@code GET|PUT|DELETE /v1/memories/search} is MAIA's search (not served here: 501), never a memory. */
    @Override
    Set<String> reservedIds() {
        return RESERVED_IDS;
    }

    /**
     * A memory names its namespace as MAIA's clients do, by id or by name; what it stores is the name
     * (MAIA lists a namespace's memories by its name). A value that is a live namespace's id stores that
     * namespace's name; any other value is stored as it is: MAIA lets a memory name a namespace that was
     * never created ({@code "default"}).
     */
    @Override
    JsonNode canonical(JsonNode body, CurrentState state, String tenant) {
        JsonNode namespace = body.get("namespace");
        if (namespace == null || !namespace.isTextual()) {
            return body;
        }
        return state.live(tenant, ResourceType.namespace, namespace.asText())
                .map(ns -> ((Namespace) ns.getData()).getName())
                .filter(name -> !name.equals(namespace.asText()))
                .<JsonNode>map(name -> ((ObjectNode) body.deepCopy()).put("namespace", name))
                .orElse(body);
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
            out.add(Relation.newBuilder().setTargetId(ids.validate(r.get("target_id").asText()))
                    .setRelation(r.get("relation").asText()).setWeight(r.path("weight").asDouble(1.0)).build());
        }
        return out;
    }
}
