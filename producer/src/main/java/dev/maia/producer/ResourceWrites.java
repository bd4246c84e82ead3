package dev.maia.producer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maia.schemas.avro.Placement;
import dev.maia.schemas.avro.WALEntry;
import dev.maia.schemas.http.ApiException;

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
 * @param <R> the resource's Avro record
 */
final class ResourceWrites<R> {
    private final ResourceChanges<R> changes;
    private final WalWriter writer;
    private final int maxBatchItems;

    ResourceWrites(ResourceChanges<R> changes, WalWriter writer, int maxBatchItems) {
        this.changes = changes;
        this.writer = writer;
        this.maxBatchItems = maxBatchItems;
    }

    /** What was written: the resources as they are now (none after a delete) and where they sit. */
    record Accepted<R>(List<R> resources, WalWriter.Written written) {
        R resource() {
            return resources.get(0);
        }
    }

    ResourceKind<R> kind() {
        return changes.kind();
    }

    /** A path's id, checked like a body's. */
    String validId(String id) {
        return changes.validId(id);
    }

    /** {@code path} is where the client sent the write, for a redirect's {@code Location}. */
    Accepted<R> create(String tenant, JsonNode body, String path) throws InterruptedException {
        ResourceChanges.PreparedCreate<R> prepared = changes.prepareCreate(tenant, body);
        Placement placement = writer.requirePrimary(tenant, path, true);
        return new Accepted<>(List.of(prepared.resource()), writer.append(prepared.entry(placement), placement));
    }

    /**
     * All or nothing: every item is validated before anything is appended (a refused item, or an id that
     * appears twice, refuses the whole batch with every item's reason), and the append is one unit.
     */
    Accepted<R> createAll(String tenant, JsonNode items, String path) throws InterruptedException {
        String field = kind().plural();
        if (items == null || !items.isArray() || items.isEmpty()) {
            throw ApiException.invalidInput(field, field + " must be a non-empty array of " + kind().type() + " objects");
        }
        if (items.size() > maxBatchItems) {
            throw ApiException.invalidInput(field, "at most " + maxBatchItems + " " + field + " per batch");
        }
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
        List<WALEntry> entries = prepared.stream().map(p -> p.entry(placement)).toList();
        return new Accepted<>(prepared.stream().map(ResourceChanges.PreparedCreate::resource).toList(),
                writer.appendAll(entries, placement));
    }

    /** {@code id} is a valid id ({@link #validId}). */
    Accepted<R> update(String tenant, String id, JsonNode body, String path) throws InterruptedException {
        Placement placement = writer.requirePrimary(tenant, path, false);
        ResourceChanges.Change<R> change = changes.update(tenant, id, body, placement);
        return new Accepted<>(List.of(change.resource()), writer.append(change.entry(), placement));
    }

    /** {@code id} is a valid id ({@link #validId}). */
    Accepted<R> delete(String tenant, String id, String path) throws InterruptedException {
        Placement placement = writer.requirePrimary(tenant, path, false);
        ResourceChanges.Change<R> change = changes.delete(tenant, id, placement);
        return new Accepted<>(List.of(), writer.append(change.entry(), placement));
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
