package dev.maia.producer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maia.schemas.avro.Placement;
import dev.maia.schemas.avro.WALEntry;
import dev.maia.schemas.http.ApiException;
import dev.maia.schemas.wal.PositionToken;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The write sequence, once for every kind of resource: check that this region is the tenant's primary
 * (307 otherwise), build the change on the current state ({@link ResourceChanges}), append it and
 * answer where it sits ({@link WalWriter}). A create is validated before the primary check, so a bad
 * body neither redirects nor gives a new tenant a placement; an update or delete checks the primary
 * first. Nothing is appended before the primary check has passed.
 *
 * <p>From reading the current state until the append is acknowledged, a write holds its resources
 * ({@link ResourceLocks}); the state it reads includes the region's acknowledged but unapplied writes
 * ({@link OwnWrites}). So the primary decides a client-chosen id once, and every change of a resource
 * builds on the one before it, without waiting for the region to apply its own writes. A create without
 * a chosen id holds nothing: its new ULID is no other write's.
 *
 * @param <R> the resource's Avro record
 */
final class ResourceWrites<R> {
    private final ResourceChanges<R> changes;
    private final WalWriter writer;
    private final ResourceLocks locks;
    private final int maxBatchItems;

    ResourceWrites(ResourceChanges<R> changes, WalWriter writer, ResourceLocks locks, int maxBatchItems) {
        this.changes = changes;
        this.writer = writer;
        this.locks = locks;
        this.maxBatchItems = maxBatchItems;
    }

    /**
     * What was written: the resources as they are now (none after a delete), their entries (whose ids are
     * the resources' new versions) and where they sit.
     */
    record Accepted<R>(List<R> resources, List<WALEntry> entries, WalWriter.Written written) {
        R resource() {
            return resources.get(0);
        }

        /** The version of the (first) resource written. */
        String version() {
            return entries.get(0).getId();
        }
    }

    /** A write built inside its resources' critical section, not yet appended. */
    private record Staged<R>(List<R> resources, List<WALEntry> entries, Placement placement) {
    }

    @FunctionalInterface
    private interface Stage<R> {
        Staged<R> build() throws InterruptedException;
    }

    ResourceKind<R> kind() {
        return changes.kind();
    }

    /** {@code path} is where the client sent the write, for a redirect's {@code Location}. */
    Accepted<R> create(String tenant, JsonNode body, String path) throws InterruptedException {
        return write(tenant, changes.heldKeys(body), () -> {
            ResourceChanges.PreparedCreate<R> prepared = changes.prepareCreate(tenant, body);
            Placement placement = writer.requirePrimary(tenant, path, true);
            return new Staged<>(List.of(prepared.resource()), List.of(prepared.entry(placement)), placement);
        });
    }

    /**
     * All or nothing: every item is validated before anything is appended (a refused item, or an id that
     * appears twice, refuses the whole batch with every item's reason), and the append is one unit. The
     * batch holds every id it chooses, so a create of one of them that runs at the same time either
     * refuses the whole batch (it came first) or is refused itself.
     */
    Accepted<R> createAll(String tenant, JsonNode items, String path) throws InterruptedException {
        String field = kind().plural();
        if (items == null || !items.isArray() || items.isEmpty()) {
            throw ApiException.invalidInput(field, field + " must be a non-empty array of " + kind().type() + " objects");
        }
        if (items.size() > maxBatchItems) {
            throw ApiException.invalidInput(field, "at most " + maxBatchItems + " " + field + " per batch");
        }
        List<String> chosen = new ArrayList<>();
        items.forEach(item -> chosen.addAll(changes.heldKeys(item)));
        return write(tenant, chosen, () -> stageAll(tenant, items, path));
    }

    private Staged<R> stageAll(String tenant, JsonNode items, String path) throws InterruptedException {
        String field = kind().plural();
        List<ResourceChanges.PreparedCreate<R>> prepared = new ArrayList<>();
        List<Map<String, Object>> errors = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < items.size(); i++) {
            try {
                JsonNode item = items.get(i);
                if (!item.isObject()) {
                    throw ApiException.invalidInput(field + "[" + i + "]", "each item must be a JSON object");
                }
                ResourceChanges.PreparedCreate<R> p = changes.prepareCreate(tenant, item);
                if (!ids.add(p.id())) {
                    throw new ApiException(409, "ALREADY_EXISTS", "id " + p.id() + " appears twice in the batch", Map.of("field", "id"));
                }
                prepared.add(p);
            } catch (ApiException e) {
                errors.add(itemError(i, e));
            }
        }
        if (!errors.isEmpty()) {
            throw new ApiException(400, "INVALID_INPUT", errors.size() + " of " + items.size()
                    + " items were refused; nothing was written", Map.of("items", errors));
        }
        Placement placement = writer.requirePrimary(tenant, path, true);
        return new Staged<>(prepared.stream().map(ResourceChanges.PreparedCreate::resource).toList(),
                prepared.stream().map(p -> p.entry(placement)).toList(), placement);
    }

    /**
     * {@code idOrName} is what the path names (a namespace's id or name, a memory's id); {@code expected}
     * is the client's {@code If-Match}.
     */
    Accepted<R> update(String tenant, String idOrName, JsonNode body, IfMatch expected, String path) throws InterruptedException {
        String id = target(tenant, idOrName, path);
        List<String> held = new ArrayList<>(kind().uniqueKeys(body));
        held.add(id);
        return write(tenant, held, () -> {
            Placement placement = writer.requirePrimary(tenant, path, false);
            changes.checkTarget(tenant, id, idOrName);
            ResourceChanges.Change<R> change = changes.update(tenant, id, body, expected, placement);
            return new Staged<>(List.of(change.resource()), List.of(change.entry()), placement);
        });
    }

    /** {@code idOrName} as for {@link #update}; {@code expected} is the client's {@code If-Match}. */
    Accepted<R> delete(String tenant, String idOrName, IfMatch expected, String path) throws InterruptedException {
        String id = target(tenant, idOrName, path);
        return write(tenant, List.of(id), () -> {
            Placement placement = writer.requirePrimary(tenant, path, false);
            changes.checkTarget(tenant, id, idOrName);
            ResourceChanges.Change<R> change = changes.delete(tenant, id, expected, placement);
            return new Staged<>(List.of(), List.of(change.entry()), placement);
        });
    }

    /**
     * The id of the resource a path names. A name is looked up in this region's state, which only the
     * primary is sure to hold: another region answers 307 first, as for any update or delete.
     */
    private String target(String tenant, String idOrName, String path) throws InterruptedException {
        if (kind().namedByName()) {
            writer.requirePrimary(tenant, path, false);
        }
        return changes.target(tenant, idOrName);
    }

    /**
     * Builds the write (its placement check included) and appends it while holding {@code ids} and the
     * tenant's gate; the wait for replicas comes after, since the entries are in the log by then and later
     * writes may build on them.
     */
    private Accepted<R> write(String tenant, List<String> ids, Stage<R> stage) throws InterruptedException {
        Staged<R> staged;
        List<PositionToken> positions;
        try (TenantGates.Held gate = writer.enter(tenant); ResourceLocks.Held held = locks.hold(tenant, kind().type(), ids)) {
            staged = stage.build();
            positions = writer.append(staged.entries());
        }
        return new Accepted<>(staged.resources(), staged.entries(), writer.replicated(positions, staged.placement()));
    }

    private static Map<String, Object> itemError(int index, ApiException e) {
        Map<String, Object> err = new LinkedHashMap<>();
        err.put("index", index);
        err.put("status", e.status());
        err.put("code", e.code());
        err.put("error", e.getMessage());
        err.put("details", e.details());
        return err;
    }
}
