package dev.maia.producer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maia.schemas.avro.Namespace;
import dev.maia.schemas.avro.Operation;
import dev.maia.schemas.avro.ResourceType;
import dev.maia.schemas.avro.WALEntry;
import dev.maia.schemas.http.ApiException;
import dev.maia.schemas.json.MemoryJson;
import dev.maia.schemas.json.NamespaceJson;
import dev.maia.schemas.read.CurrentState;
import dev.maia.schemas.read.NamespaceLookup;
import dev.maia.schemas.wal.AvroClasses;
import dev.maia.schemas.wal.WalEntries;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Namespaces as the write sequence sees them: MAIA's namespace write bodies become {@link Namespace}
 * records, refusing what is out of shape, and a change becomes its WAL entry.
 */
final class NamespaceRequests extends ResourceKind<Namespace> {
    static {
        AvroClasses.trust();
    }

    private final WriteLimits limits;

    NamespaceRequests(WriteLimits limits) {
        super(ResourceType.namespace, "namespaces", Namespace.class);
        this.limits = limits;
    }

    @Override
    public Namespace create(JsonNode body, String id, Instant now) {
        Namespace.Builder n = Namespace.newBuilder().setId(id)
                .setName(MemoryRequests.requiredString(body, "name", limits.maxIdLength() * 2))
                .setCreatedAt(now).setUpdatedAt(now);
        applyOptional(body, n);
        return n.build();
    }

    @Override
    public Namespace update(JsonNode body, Namespace current, Instant now) {
        Namespace.Builder n = Namespace.newBuilder(current).setUpdatedAt(now);
        if (body.has("name")) {
            n.setName(MemoryRequests.requiredString(body, "name", limits.maxIdLength() * 2));
        }
        applyOptional(body, n);
        return n.build();
    }

    @Override
    public WALEntry entry(Operation op, String tenant, String id, Namespace data, WALEntry current, long hlc, String region,
                         long epoch) {
        return WalEntries.namespaceChange(op, tenant, id, data, hlc, region, epoch);
    }

    @Override
    public Map<String, Object> toJson(Namespace resource) {
        return NamespaceJson.toJson(resource);
    }

    /**
     * A tenant's namespace names are unique, as in MAIA (its store refuses a second namespace of one name
     * with ALREADY_EXISTS): a name is how clients name a namespace, and how a memory names it. The primary
     * checks it on create and rename while it holds the name ({@link #uniqueKeys}).
     */
    @Override
    void checkUnique(CurrentState state, String tenant, String id, Namespace resource) {
        for (String other : state.namespacesNamed(tenant, resource.getName())) {
            boolean bearsIt = !other.equals(id) && state.live(tenant, ResourceType.namespace, other)
                    .filter(e -> resource.getName().equals(((Namespace) e.getData()).getName())).isPresent();
            if (bearsIt) {
                throw new ApiException(409, "ALREADY_EXISTS", "a namespace named " + resource.getName() + " already exists (id "
                        + other + ")", Map.of("field", "name", "id", other));
            }
        }
    }

    /** ':' is never in an id, so a name's key meets no resource's. */
    @Override
    List<String> uniqueKeys(JsonNode body) {
        JsonNode name = body.get("name");
        return name != null && name.isTextual() ? List.of("name:" + name.asText()) : List.of();
    }

    @Override
    boolean namedByName() {
        return true;
    }

    @Override
    Optional<String> find(CurrentState state, String tenant, String idOrName) {
        return NamespaceLookup.find(state, tenant, idOrName).map(WALEntry::getResourceId);
    }

    private void applyOptional(JsonNode body, Namespace.Builder n) {
        if (body.has("parent")) {
            n.setParent(optionalString(body, "parent"));
        }
        if (body.has("template")) {
            n.setTemplate(optionalString(body, "template"));
        }
        if (MemoryRequests.present(body, "config")) {
            JsonNode config = body.get("config");
            if (!config.isObject()) {
                throw ApiException.invalidInput("config", "config must be a JSON object");
            }
            if (config.toString().getBytes(StandardCharsets.UTF_8).length > limits.maxMetadataBytes()) {
                throw ApiException.invalidInput("config", "config exceeds " + limits.maxMetadataBytes() + " bytes");
            }
            if (MemoryRequests.depth(config) > limits.maxMetadataDepth()) {
                throw ApiException.invalidInput("config", "config nests deeper than " + limits.maxMetadataDepth() + " levels");
            }
            n.setConfig(MemoryJson.metadataFromJson(config));
        }
    }

    private String optionalString(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual() || v.asText().length() > limits.maxIdLength() * 2) {
            throw ApiException.invalidInput(field, field + " must be a string of at most " + limits.maxIdLength() * 2 + " characters");
        }
        return v.asText();
    }
}
