package dev.maia.producer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maia.schemas.avro.Operation;
import dev.maia.schemas.avro.ResourceType;
import dev.maia.schemas.avro.WALEntry;

import java.time.Instant;
import java.util.Map;

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
}
