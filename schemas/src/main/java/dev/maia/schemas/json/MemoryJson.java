package dev.maia.schemas.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.maia.schemas.avro.Memory;
import dev.maia.schemas.avro.Relation;
import dev.maia.schemas.http.Json;
import dev.maia.schemas.wal.AvroClasses;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * MAIA's JSON shape of a memory (the Go server's field names), from the Avro record. Metadata values
 * travel in Avro as JSON texts so that any JSON value survives replication unchanged.
 */
public final class MemoryJson {
    static {
        AvroClasses.trust();
    }

    private MemoryJson() {
    }

    public static Map<String, Object> toJson(Memory m) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", m.getId());
        out.put("namespace", m.getNamespace());
        out.put("content", m.getContent());
        out.put("type", m.getType().name());
        out.put("embedding", m.getEmbedding());
        out.put("metadata", metadataToJson(m.getMetadata()));
        out.put("tags", m.getTags());
        out.put("created_at", m.getCreatedAt().toString());
        out.put("updated_at", m.getUpdatedAt().toString());
        out.put("accessed_at", m.getAccessedAt().toString());
        out.put("access_count", m.getAccessCount());
        out.put("confidence", m.getConfidence());
        out.put("source", m.getSource().name());
        List<Map<String, Object>> relations = new ArrayList<>();
        for (Relation r : m.getRelations()) {
            Map<String, Object> rel = new LinkedHashMap<>();
            rel.put("target_id", r.getTargetId());
            rel.put("relation", r.getRelation());
            rel.put("weight", r.getWeight());
            relations.add(rel);
        }
        out.put("relations", relations);
        return out;
    }

    public static Map<String, Object> metadataToJson(Map<String, String> metadata) {
        Map<String, Object> out = new TreeMap<>();
        metadata.forEach((k, v) -> {
            try {
                out.put(k, Json.MAPPER.readTree(v));
            } catch (JsonProcessingException e) {
                out.put(k, v);
            }
        });
        return out;
    }

    public static Map<String, String> metadataFromJson(JsonNode object) {
        Map<String, String> out = new TreeMap<>();
        object.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().toString()));
        return out;
    }
}
