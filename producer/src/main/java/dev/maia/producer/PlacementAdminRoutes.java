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

import dev.maia.control.lease.LeaseKeeper;
import dev.maia.control.placement.PlacementView;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code /admin/tenants/{id}/placement} and {@code /admin/placements}: the operator's view of placement. */
final class PlacementAdminRoutes {
    private final PlacementService placements;

    private final MigrationDriver migrations;
    private final FailoverDriver failovers;
    private final PlacementView view;
    private final LeaseKeeper lease;

    PlacementAdminRoutes(PlacementService placements, MigrationDriver migrations, FailoverDriver failovers, PlacementView view,
                         LeaseKeeper lease) {
        this.placements = placements;
        this.migrations = migrations;
        this.failovers = failovers;
        this.view = view;
        this.lease = lease;
    }

    void mount(Routes router) {
        router.add("POST", "/admin/tenants/{id}/placement", Access.ADMIN, this::set);
        router.add("GET", "/admin/tenants/{id}/placement", Access.ADMIN, this::get);
        router.add("GET", "/admin/placements", Access.ADMIN, this::list);
        router.add("POST", "/admin/tenants/{id}/migration", Access.ADMIN, this::migrate);
        router.add("GET", "/admin/tenants/{id}/migration", Access.ADMIN, this::migration);
        router.add("DELETE", "/admin/tenants/{id}/migration", Access.ADMIN, this::abort);
        router.add("POST", "/admin/tenants/{id}/failover", Access.ADMIN, this::failover);
        router.add("GET", "/admin/leases", Access.ADMIN, this::leases);
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

    /** {@code maia failover}: {@code {"to_region": R, "accept_loss": bool}}; see {@link FailoverDriver#force}. */
    private HttpResponse failover(HttpRequest request) throws InterruptedException {
        String tenant = request.tenantIdParam();
        JsonNode body = Json.parseObject(request.body());
        JsonNode to = body.get("to_region");
        if (to == null || !to.isTextual() || !placements.regions().contains(to.asText())) {
            throw ApiException.invalidInput("to_region", "to_region must be one of the deployment's regions " + placements.regions());
        }
        JsonNode accept = body.get("accept_loss");
        if (accept != null && !accept.isBoolean()) {
            throw ApiException.invalidInput("accept_loss", "accept_loss must be true or false");
        }
        return HttpResponse.json(200, failovers.force(tenant, to.asText(), accept != null && accept.asBoolean()));
    }

    /** Every region's lease as this region reads the control log, and this region's own. */
    private HttpResponse leases(HttpRequest request) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (String r : placements.regions()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("region", r);
            row.put("valid", !view.leases().lapsed(r, lease.settings().duration()));
            row.put("renewed_ms_ago", view.leases().sinceRenewal(r).toMillis());
            row.put("renewal_offset", view.leases().lastOffset(r));
            rows.add(row);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("region", placements.region());
        out.put("held", lease.held());
        out.put("remaining_ms", lease.remaining().toMillis());
        out.put("lease_duration_ms", lease.settings().duration().toMillis());
        out.put("leases", rows);
        out.put("blocked_failovers", failovers.blocked());
        return HttpResponse.json(200, out);
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
