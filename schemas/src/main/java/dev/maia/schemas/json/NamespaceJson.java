package dev.maia.schemas.json;

import dev.maia.schemas.avro.Namespace;
import dev.maia.schemas.wal.AvroClasses;

import java.util.LinkedHashMap;
import java.util.Map;

/** MAIA's JSON shape of a namespace. Config values travel as JSON texts, like memory metadata. */
public final class NamespaceJson {
    static {
        AvroClasses.trust();
    }

    private NamespaceJson() {
    }

    public static Map<String, Object> toJson(Namespace n) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", n.getId());
        out.put("name", n.getName());
        out.put("parent", n.getParent());
        out.put("template", n.getTemplate());
        out.put("config", MemoryJson.metadataToJson(n.getConfig()));
        out.put("created_at", n.getCreatedAt().toString());
        out.put("updated_at", n.getUpdatedAt().toString());
        return out;
    }
}
