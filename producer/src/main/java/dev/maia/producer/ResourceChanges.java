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
        Optional<WALEntry> current = state.current(tenant, kind.type(), id);
        if (current.filter(ResourceChanges::isLive).isPresent()) {
            throw new ApiException(409, "ALREADY_EXISTS", kind.type() + " " + id + " already exists", Map.of("field", "id"));
        }
        // A create may follow a delete of the same id: it must order after that tombstone.
        long hlc = stamp(current.orElse(null));
        return new PreparedCreate<>(this, tenant, id, kind.create(body, id, instant(hlc)), hlc, current.orElse(null));
    }

    /**
     * The id a create body chooses, which the caller must hold while the create runs; empty when the body
     * names none (a new ULID collides with nothing) or one that {@link #prepareCreate} will refuse.
     */
    Optional<String> chosenId(JsonNode body) {
        JsonNode id = body.get("id");
        return id != null && id.isTextual() ? Optional.of(id.asText()) : Optional.empty();
    }

    /** Only the fields the body gives change; the rest is the current resource's. */
    Change<R> update(String tenant, String id, JsonNode body, IfMatch expected, Placement placement) {
        WALEntry current = live(tenant, id, expected);
        long hlc = stamp(current);
        R resource = kind.update(body, kind.data(current), instant(hlc));
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

    /** A path's id, checked like a body's. */
    String validId(String id) {
        return ids.validate(id);
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
