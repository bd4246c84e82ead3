package dev.maia.producer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maia.schemas.avro.ConflictStrategy;
import dev.maia.schemas.avro.Placement;
import dev.maia.schemas.avro.PlacementMode;
import dev.maia.schemas.avro.SyncMode;
import dev.maia.schemas.http.ApiException;
import dev.maia.schemas.placement.InvalidPlacementException;
import dev.maia.schemas.placement.Placements;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * A placement as an admin request asks for it ({@code /admin/tenants/{id}/placement}, or the
 * {@code placement} of a tenant created through {@code /admin/tenants}), checked for shape; a bad field is a
 * 400 naming it (after {@code fieldPrefix}, e.g. {@code placement.}).
 */
public record PlacementRequest(PlacementMode mode, String primary, List<String> replicas, SyncMode syncMode,
                               int minSyncReplicas, ConflictStrategy strategy, OptionalLong expectedEpoch, boolean force) {

    public static PlacementRequest parse(JsonNode body, String fieldPrefix) {
        if (body == null || !body.isObject()) {
            throw ApiException.invalidInput(fieldPrefix.isEmpty() ? "body" : fieldPrefix.substring(0, fieldPrefix.length() - 1),
                    "a placement must be a JSON object");
        }
        PlacementMode mode = mode(body, fieldPrefix);
        JsonNode primary = body.get("primary_region");
        if (primary == null || !primary.isTextual()) {
            throw ApiException.invalidInput(fieldPrefix + "primary_region", "primary_region is required");
        }
        List<String> replicas = new ArrayList<>();
        JsonNode r = body.get("replicas");
        if (r != null && !r.isNull()) {
            if (!r.isArray()) {
                throw ApiException.invalidInput(fieldPrefix + "replicas", "replicas must be an array of region names");
            }
            for (JsonNode x : r) {
                if (!x.isTextual()) {
                    throw ApiException.invalidInput(fieldPrefix + "replicas", "replicas must be an array of region names");
                }
                replicas.add(x.asText());
            }
        }
        JsonNode sync = body.get("sync_mode");
        JsonNode minSync = body.get("min_sync_replicas");
        if (minSync != null && !minSync.isNull() && !minSync.canConvertToInt()) {
            throw ApiException.invalidInput(fieldPrefix + "min_sync_replicas", "min_sync_replicas must be an integer");
        }
        JsonNode force = body.get("force");
        if (force != null && !force.isBoolean()) {
            throw ApiException.invalidInput(fieldPrefix + "force", "force must be true or false");
        }
        JsonNode strategy = body.get("conflict_strategy");
        if (strategy != null && !strategy.isNull() && !strategy.isTextual()) {
            throw ApiException.invalidInput(fieldPrefix + "conflict_strategy", "conflict_strategy must be one of lww, merge");
        }
        try {
            return new PlacementRequest(mode, primary.asText(), replicas,
                    sync == null || sync.isNull() ? null : Placements.parseSyncMode(sync.asText()),
                    minSync == null || minSync.isNull() ? 1 : minSync.asInt(),
                    Placements.parseConflictStrategy(strategy == null || strategy.isNull() ? null : strategy.asText()),
                    expectedEpoch(body, fieldPrefix), force != null && force.asBoolean());
        } catch (InvalidPlacementException e) {
            throw ApiException.invalidInput(fieldPrefix + e.field(), e.getMessage());
        }
    }

    /** Checks the request against the deployment's regions, before anything is appended. */
    public void validate(List<String> regions, String fieldPrefix) {
        try {
            Placements.validateSync(syncMode, minSyncReplicas, Placements.canonicalReplicas(mode, primary, replicas, regions));
        } catch (InvalidPlacementException e) {
            throw ApiException.invalidInput(fieldPrefix + e.field(), e.getMessage());
        }
    }

    /** Applies the request to a tenant through {@code placements} (a migration if it moves a placed tenant's primary). */
    public Placement apply(PlacementService placements, String tenant, String fieldPrefix) throws InterruptedException {
        try {
            return placements.change(tenant, mode, primary, replicas, syncMode, minSyncReplicas, strategy, expectedEpoch, force);
        } catch (InvalidPlacementException e) {
            throw ApiException.invalidInput(fieldPrefix + e.field(), e.getMessage());
        }
    }

    static OptionalLong expectedEpoch(JsonNode body, String fieldPrefix) {
        JsonNode expected = body.get("expected_epoch");
        if (expected == null || expected.isNull()) {
            return OptionalLong.empty();
        }
        if (!expected.canConvertToLong() || !expected.isIntegralNumber()) {
            throw ApiException.invalidInput(fieldPrefix + "expected_epoch", "expected_epoch must be an integer");
        }
        return OptionalLong.of(expected.asLong());
    }

    private static PlacementMode mode(JsonNode body, String fieldPrefix) {
        JsonNode m = body.get("mode");
        if (m != null && m.isTextual()) {
            for (PlacementMode mode : PlacementMode.values()) {
                if (mode.name().equals(m.asText())) {
                    return mode;
                }
            }
        }
        throw ApiException.invalidInput(fieldPrefix + "mode", "mode must be one of single, replicated, global");
    }
}
