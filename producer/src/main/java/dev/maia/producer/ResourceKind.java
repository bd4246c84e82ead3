package dev.maia.producer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maia.schemas.avro.Operation;
import dev.maia.schemas.avro.ResourceType;
import dev.maia.schemas.avro.WALEntry;

import dev.maia.schemas.read.CurrentState;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the write sequence ({@link ResourceChanges}, {@link ResourceWrites}) needs to know of one kind of
 * resource: its {@link ResourceType}, how a write body becomes its Avro record, how a change of it
 * becomes a WAL entry and how it is shown as JSON. Everything else about a write is the same for
 * every kind. The kinds are {@link MemoryRequests} and {@link NamespaceRequests}.
 *
 * @param <R> the resource's Avro record
 */
public abstract class ResourceKind<R> {
    private final ResourceType type;
    private final String plural;
    private final Class<R> record;

    ResourceKind(ResourceType type, String plural, Class<R> record) {
        this.type = type;
        this.plural = plural;
        this.record = record;
    }

    public final ResourceType type() {
        return type;
    }

    /** The collection's name in paths and batch bodies: {@code memories}, {@code namespaces}. */
    public final String plural() {
        return plural;
    }

    /** The resource an entry carries. */
    final R data(WALEntry entry) {
        return record.cast(entry.getData());
    }

    /** A new resource from a create body; refuses what is out of shape with the field it concerns. */
    public abstract R create(JsonNode body, String id, Instant now);

    /** The current resource with only the fields the update body gives changed. */
    public abstract R update(JsonNode body, R current, Instant now);

    /**
     * The entry of a change. {@code data} is null for a delete; {@code current} is the entry the change
     * is built on (null for a create).
     */
    public abstract WALEntry entry(Operation op, String tenant, String id, R data, WALEntry current, long hlc, String region,
                                   long epoch);

    public abstract Map<String, Object> toJson(R resource);

    /** Ids a create may not choose, because a path of the collection has that name ({@code /v1/memories/search}). */
    Set<String> reservedIds() {
        return Set.of();
    }

    /**
     * The write body as it is to be stored, read in {@code state}: a memory whose {@code namespace} names a
     * namespace by id stores its name. Called by the primary while it holds the resource.
     */
    JsonNode canonical(JsonNode body, CurrentState state, String tenant) {
        return body;
    }

    /** Refuses (409) a resource that another live one of the tenant already is by a rule of the kind (a namespace's name). */
    void checkUnique(CurrentState state, String tenant, String id, R resource) {
    }

    /**
     * What a write of this body must hold besides its id, so that a uniqueness check and the append that
     * relies on it are not interleaved with another write's: a namespace's name. Never a valid id.
     */
    List<String> uniqueKeys(JsonNode body) {
        return List.of();
    }

    /** Whether a path may name a resource of this kind by its name as well as by its id (a namespace). */
    boolean namedByName() {
        return false;
    }

    /** The id of the live resource {@code idOrName} names (by id, or by name for a kind {@link #namedByName}). */
    Optional<String> find(CurrentState state, String tenant, String idOrName) {
        return state.live(tenant, type, idOrName).map(e -> idOrName);
    }
}
