package dev.maia.producer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maia.schemas.avro.Placement;
import dev.maia.schemas.http.Access;
import dev.maia.schemas.http.ApiException;
import dev.maia.schemas.http.HttpRequest;
import dev.maia.schemas.http.HttpResponse;
import dev.maia.schemas.http.Routes;
import dev.maia.schemas.http.Json;
import dev.maia.schemas.placement.Placements;

import java.util.Map;

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
        String tenant = request.tenantIdParam();
        JsonNode body = Json.parseObject(request.body());
        JsonNode to = body.get("to_region");
        if (to == null || !to.isTextual() || !placements.regions().contains(to.asText())) {
            throw ApiException.invalidInput("to_region", "to_region must be one of the deployment's regions " + placements.regions());
        }
        return answer(placements.migrate(tenant, to.asText(), PlacementRequest.expectedEpoch(body, "")));
    }

    private HttpResponse migration(HttpRequest request) {
        String tenant = request.tenantIdParam();
        return HttpResponse.json(200, migrations.progress(tenant));
    }

    private HttpResponse abort(HttpRequest request) throws InterruptedException {
        return HttpResponse.json(200, Placements.toJson(placements.abortMigration(request.tenantIdParam())));
    }

    private HttpResponse set(HttpRequest request) throws InterruptedException {
        String tenant = request.tenantIdParam();
        return answer(PlacementRequest.parse(Json.parseObject(request.body()), "").apply(placements, tenant, ""));
    }

    private HttpResponse get(HttpRequest request) {
        String tenant = request.tenantIdParam();
        Placement p = placements.get(tenant).orElseThrow(() -> ApiException.notFound("tenant " + tenant + " has no placement"));
        return HttpResponse.json(200, Placements.toJson(p));
    }

    private HttpResponse list(HttpRequest request) {
        return HttpResponse.json(200, Map.of("placements", placements.all().stream().map(Placements::toJson).toList()));
    }

}
