package dev.maia.producer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maia.schemas.avro.Placement;
import dev.maia.schemas.avro.PlacementMode;
import dev.maia.schemas.avro.SyncMode;
import dev.maia.schemas.http.Access;
import dev.maia.schemas.http.ApiException;
import dev.maia.schemas.http.HttpRequest;
import dev.maia.schemas.http.HttpResponse;
import dev.maia.schemas.http.Routes;
import dev.maia.schemas.http.Json;
import dev.maia.schemas.placement.InvalidPlacementException;
import dev.maia.schemas.placement.Placements;
import dev.maia.schemas.wal.WalTopics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/** {@code /admin/tenants/{id}/placement} and {@code /admin/placements}: the operator's view of placement. */
final class PlacementAdminRoutes {
    private final PlacementService placements;

    private final MigrationDriver migrations;

    PlacementAdminRoutes(PlacementService placements, MigrationDriver migrations) {
        this.placements = placements;
        this.migrations = migrations;
    }

    void mount(Routes router) {
        router.add("POST", "/admin/tenants/{id}/placement", Access.ADMIN, this::set);
        router.add("GET", "/admin/tenants/{id}/placement", Access.ADMIN, this::get);
        router.add("GET", "/admin/placements", Access.ADMIN, this::list);
        router.add("POST", "/admin/tenants/{id}/migration", Access.ADMIN, this::migrate);
        router.add("GET", "/admin/tenants/{id}/migration", Access.ADMIN, this::migration);
        router.add("DELETE", "/admin/tenants/{id}/migration", Access.ADMIN, this::abort);
    }

    /** A placement answered: 202 while a migration it started is in progress, 200 once in effect. */
    private static HttpResponse answer(Placement p) {
        return HttpResponse.json(p.getMigration() == null ? 200 : 202, Placements.toJson(p));
    }

    private HttpResponse migrate(HttpRequest request) throws InterruptedException {
        String tenant = tenantId(request);
        JsonNode body = Json.parseObject(request.body());
        JsonNode to = body.get("to_region");
        if (to == null || !to.isTextual() || !placements.regions().contains(to.asText())) {
            throw ApiException.invalidInput("to_region", "to_region must be one of the deployment's regions " + placements.regions());
        }
        return answer(placements.migrate(tenant, to.asText(), expectedEpoch(body)));
    }

    private HttpResponse migration(HttpRequest request) {
        String tenant = tenantId(request);
        return HttpResponse.json(200, migrations.progress(tenant));
    }

    private HttpResponse abort(HttpRequest request) throws InterruptedException {
        return HttpResponse.json(200, Placements.toJson(placements.abortMigration(tenantId(request))));
    }

    private static OptionalLong expectedEpoch(JsonNode body) {
        JsonNode expected = body.get("expected_epoch");
        if (expected == null || expected.isNull()) {
            return OptionalLong.empty();
        }
        if (!expected.canConvertToLong() || !expected.isIntegralNumber()) {
            throw ApiException.invalidInput("expected_epoch", "expected_epoch must be an integer");
        }
        return OptionalLong.of(expected.asLong());
    }

    private HttpResponse set(HttpRequest request) throws InterruptedException {
        String tenant = tenantId(request);
        JsonNode body = Json.parseObject(request.body());
        PlacementMode mode = mode(body);
        JsonNode primary = body.get("primary_region");
        if (primary == null || !primary.isTextual()) {
            throw ApiException.invalidInput("primary_region", "primary_region is required");
        }
        List<String> replicas = new ArrayList<>();
        JsonNode r = body.get("replicas");
        if (r != null && !r.isNull()) {
            if (!r.isArray()) {
                throw ApiException.invalidInput("replicas", "replicas must be an array of region names");
            }
            for (JsonNode x : r) {
                if (!x.isTextual()) {
                    throw ApiException.invalidInput("replicas", "replicas must be an array of region names");
                }
                replicas.add(x.asText());
            }
        }
        JsonNode sync = body.get("sync_mode");
        JsonNode minSync = body.get("min_sync_replicas");
        if (minSync != null && !minSync.isNull() && !minSync.canConvertToInt()) {
            throw ApiException.invalidInput("min_sync_replicas", "min_sync_replicas must be an integer");
        }
        JsonNode force = body.get("force");
        if (force != null && !force.isBoolean()) {
            throw ApiException.invalidInput("force", "force must be true or false");
        }
        JsonNode strategy = body.get("conflict_strategy");
        if (strategy != null && !strategy.isNull() && !strategy.isTextual()) {
            throw ApiException.invalidInput("conflict_strategy", "conflict_strategy must be one of lww, merge");
        }
        try {
            SyncMode syncMode = sync == null || sync.isNull() ? null : Placements.parseSyncMode(sync.asText());
            Placement p = placements.change(tenant, mode, primary.asText(), replicas, syncMode,
                    minSync == null || minSync.isNull() ? 1 : minSync.asInt(),
                    Placements.parseConflictStrategy(strategy == null || strategy.isNull() ? null : strategy.asText()),
                    expectedEpoch(body), force != null && force.asBoolean());
            return answer(p);
        } catch (InvalidPlacementException e) {
            throw ApiException.invalidInput(e.field(), e.getMessage());
        }
    }

    private HttpResponse get(HttpRequest request) {
        String tenant = tenantId(request);
        Placement p = placements.get(tenant).orElseThrow(() -> ApiException.notFound("tenant " + tenant + " has no placement"));
        return HttpResponse.json(200, Placements.toJson(p));
    }

    private HttpResponse list(HttpRequest request) {
        return HttpResponse.json(200, Map.of("placements", placements.all().stream().map(Placements::toJson).toList()));
    }

    private static String tenantId(HttpRequest request) {
        String tenant = request.pathParam("id");
        if (!WalTopics.isValidTenantId(tenant)) {
            throw ApiException.invalidInput("id", "tenant id must match [a-zA-Z0-9_-]{1,64}");
        }
        return tenant;
    }

    private static PlacementMode mode(JsonNode body) {
        JsonNode m = body.get("mode");
        if (m != null && m.isTextual()) {
            for (PlacementMode mode : PlacementMode.values()) {
                if (mode.name().equals(m.asText())) {
                    return mode;
                }
            }
        }
        throw ApiException.invalidInput("mode", "mode must be one of single, replicated, global");
    }
}
