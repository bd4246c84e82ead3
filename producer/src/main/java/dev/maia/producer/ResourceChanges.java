package dev.maia.producer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maia.schemas.avro.Operation;
import dev.maia.schemas.avro.Placement;
import dev.maia.schemas.avro.WALEntry;
import dev.maia.schemas.http.ApiException;
import dev.maia.schemas.read.CurrentState;
import dev.maia.schemas.wal.HybridLogicalClock;
import dev.maia.schemas.wal.WalAncestry;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The middle of every write of one kind of resource: read the resource's current state (409 for a create
 * of a live id, 404 for a change of a missing one, 412 for a change whose {@code If-Match} names another
 * version), stamp the clock after that state, and build the record and its WAL entry. Nothing is appended
 * here. In a region the state read includes the region's own appended but unapplied writes
 * ({@link OwnWrites}) and the caller holds the resource ({@link ResourceLocks}) until the append is
 * acknowledged. Public because tools that append straight to Kafka ({@code maia produce --via kafka})
 * must build their entries the same way.
 *
 * @param <R> the resource's Avro record
 */
public final class ResourceChanges<R> {
    private final String region;
    private final ResourceKind<R> kind;
    private final CurrentState state;
    private final HybridLogicalClock clock;
    private final ResourceIds ids;

    public ResourceChanges(String region, ResourceKind<R> kind, CurrentState state, HybridLogicalClock clock, WriteLimits limits) {
        this.region = region;
        this.kind = kind;
        this.state = state;
        this.clock = clock;
        this.ids = new ResourceIds(limits);
    }

    /** A validated and stamped create, waiting for the placement epoch it will be written under. */
    public static final class PreparedCreate<R> {
        private final ResourceChanges<R> changes;
        private final String tenant;
        private final String id;
        private final R resource;
        private final long hlc;
        private final WALEntry tombstone;

        private PreparedCreate(ResourceChanges<R> changes, String tenant, String id, R resource, long hlc, WALEntry tombstone) {
            this.changes = changes;
            this.tenant = tenant;
            this.id = id;
            this.resource = resource;
            this.hlc = hlc;
            this.tombstone = tombstone;
        }

        public String id() {
            return id;
        }

        public R resource() {
            return resource;
        }

        public WALEntry entry(Placement placement) {
            WALEntry entry = changes.kind.entry(Operation.CREATE, tenant, id, resource, null, hlc, changes.region, placement.getEpoch());
            return lineage(entry, tombstone, placement);
        }
    }

    /** An update or delete ready to append, with the resource as it is after it (null after a delete). */
    record Change<R>(R resource, WALEntry entry) {
    }

    public PreparedCreate<R> prepareCreate(String tenant, JsonNode body) {
        String id = ids.idFor(body);
        if (kind.reservedIds().contains(id)) {
            throw ApiException.invalidInput("id", "id " + id + " is reserved: /v1/" + kind.plural() + "/" + id + " is an endpoint of its own");
        }
        Optional<WALEntry> current = state.current(tenant, kind.type(), id);
        if (current.filter(ResourceChanges::isLive).isPresent()) {
            throw new ApiException(409, "ALREADY_EXISTS", kind.type() + " " + id + " already exists", Map.of("field", "id"));
        }
        // A create may follow a delete of the same id: it must order after that tombstone.
        long hlc = stamp(current.orElse(null));
        R resource = kind.create(kind.canonical(body, state, tenant), id, instant(hlc));
        kind.checkUnique(state, tenant, id, resource);
        return new PreparedCreate<>(this, tenant, id, resource, hlc, current.orElse(null));
    }

    /**
     * What the caller must hold while a write of this body runs: the id a create body chooses (none when
     * it names none: a new ULID collides with nothing), and what the kind keeps unique (a namespace's name).
     */
    List<String> heldKeys(JsonNode body) {
        List<String> keys = new ArrayList<>(kind.uniqueKeys(body));
        JsonNode id = body.get("id");
        if (id != null && id.isTextual()) {
            keys.add(id.asText());
        }
        return keys;
    }

    /**
     * The id of the resource a path names: the path's id, or for a kind named by name as well
     * (namespaces) the id of the live one it names by id or by name ({@code NOT_FOUND} if none).
     */
    String target(String tenant, String idOrName) {
        if (!kind.namedByName()) {
            return ids.validate(idOrName);
        }
        return kind.find(state, tenant, idOrName).orElseThrow(() -> ApiException.notFound(kind.type() + " " + idOrName + " not found"));
    }

    /**
     * Once the caller holds {@code id}: that {@code idOrName} names it still (a rename or delete may have
     * come in between {@link #target} and the hold); {@code NOT_FOUND} otherwise, as it would be now.
     */
    void checkTarget(String tenant, String id, String idOrName) {
        if (!id.equals(idOrName) && !kind.find(state, tenant, idOrName).filter(id::equals).isPresent()) {
            throw ApiException.notFound(kind.type() + " " + idOrName + " not found");
        }
    }

    /** Only the fields the body gives change; the rest is the current resource's. */
    Change<R> update(String tenant, String id, JsonNode body, IfMatch expected, Placement placement) {
        WALEntry current = live(tenant, id, expected);
        long hlc = stamp(current);
        R resource = kind.update(kind.canonical(body, state, tenant), kind.data(current), instant(hlc));
        kind.checkUnique(state, tenant, id, resource);
        return new Change<>(resource, lineage(kind.entry(Operation.UPDATE, tenant, id, resource, current, hlc, region,
                placement.getEpoch()), current, placement));
    }

    Change<R> delete(String tenant, String id, IfMatch expected, Placement placement) {
        WALEntry current = live(tenant, id, expected);
        long hlc = stamp(current);
        return new Change<>(null, lineage(kind.entry(Operation.DELETE, tenant, id, null, current, hlc, region,
                placement.getEpoch()), current, placement));
    }

    /**
     * Says what the write was built on (the state read, a tombstone for a create after a delete), which
     * is how every region tells an ordinary update from a conflict, and the tenant's conflict strategy.
     */
    private static WALEntry lineage(WALEntry entry, WALEntry builtOn, Placement placement) {
        WalAncestry.builtOn(entry, builtOn);
        entry.setConflictStrategy(placement.getConflictStrategy());
        return entry;
    }

    ResourceKind<R> kind() {
        return kind;
    }

    /**
     * The live resource (404 otherwise) at a version the client accepts (412 otherwise). A missing resource
     * is 404 whatever {@code If-Match} says: the answer without the precondition would not be a success.
     */
    private WALEntry live(String tenant, String id, IfMatch expected) {
        WALEntry current = state.current(tenant, kind.type(), id).filter(ResourceChanges::isLive)
                .orElseThrow(() -> ApiException.notFound(kind.type() + " " + id + " not found"));
        expected.check(current);
        return current;
    }

    private static boolean isLive(WALEntry entry) {
        return entry.getOperation() != Operation.DELETE;
    }

    /** A clock reading that orders after the state the change is built on. */
    private long stamp(WALEntry basedOn) {
        if (basedOn != null) {
            clock.observe(basedOn.getHlc());
        }
        return clock.now();
    }

    private static Instant instant(long hlc) {
        return Instant.ofEpochMilli(HybridLogicalClock.millis(hlc));
    }
}
