package dev.maia.producer.tenant;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maia.producer.PlacementRequest;
import dev.maia.schemas.avro.ApiKey;
import dev.maia.schemas.avro.TenantStatus;
import dev.maia.schemas.http.Access;
import dev.maia.schemas.http.ApiException;
import dev.maia.schemas.http.HttpRequest;
import dev.maia.schemas.http.ListPage;
import dev.maia.schemas.http.HttpResponse;
import dev.maia.schemas.http.Json;
import dev.maia.schemas.http.Routes;
import dev.maia.schemas.placement.Placements;
import dev.maia.schemas.tenant.TenantJson;
import dev.maia.schemas.wal.WalTopics;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * MAIA's tenant admin API ({@code /admin/tenants}, {@code /admin/apikeys}), over {@link TenantService}.
 * {@code /admin/tenants/{id}/placement} and {@code /migration} stay {@code PlacementAdminRoutes}'.
 */
public final class TenantAdminRoutes {
    private static final int MAX_NAME = 256;
    private static final int MAX_PLAN = 64;
    private static final int MAX_METADATA_ENTRIES = 64;
    private static final int MAX_METADATA_VALUE = 1024;
    /** How long a DELETE waits for every region to report the tenant gone before it answers 202. */
    private static final long DEFAULT_DELETE_WAIT_MS = 30_000;
    private static final long MAX_DELETE_WAIT_MS = 120_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final TenantService tenants;

    public TenantAdminRoutes(TenantService tenants) {
        this.tenants = tenants;
    }

    public void mount(Routes router) {
        router.add("POST", "/admin/tenants", Access.ADMIN, this::create);
        router.add("GET", "/admin/tenants", Access.ADMIN, this::list);
        router.add("GET", "/admin/tenants/{id}", Access.ADMIN, this::get);
        router.add("PUT", "/admin/tenants/{id}", Access.ADMIN, this::update);
        router.add("DELETE", "/admin/tenants/{id}", Access.ADMIN, this::delete);
        router.add("GET", "/admin/tenants/{id}/usage", Access.ADMIN, this::usage);
        router.add("POST", "/admin/tenants/{id}/suspend", Access.ADMIN, r -> status(r, TenantStatus.suspended));
        router.add("POST", "/admin/tenants/{id}/activate", Access.ADMIN, r -> status(r, TenantStatus.active));
        router.add("POST", "/admin/tenants/{id}/apikeys", Access.ADMIN, this::issueKey);
        router.add("GET", "/admin/tenants/{id}/apikeys", Access.ADMIN, this::listKeys);
        router.add("DELETE", "/admin/apikeys/{key}", Access.ADMIN, this::revoke);
    }

    private HttpResponse create(HttpRequest request) throws InterruptedException {
        JsonNode body = Json.parseObject(request.body());
        JsonNode idNode = body.get("id");
        String id;
        if (idNode == null || idNode.isNull()) {
            id = "tenant-" + HexFormat.of().formatHex(randomBytes());
        } else if (!idNode.isTextual() || !WalTopics.isValidTenantId(idNode.asText())) {
            throw ApiException.invalidInput("id", "id must match [a-zA-Z0-9_-]{1,64}");
        } else {
            id = idNode.asText();
        }
        String name = text(body, "name", MAX_NAME, true);
        String plan = text(body, "plan", MAX_PLAN, false);
        Map<String, String> metadata = metadata(body);
        JsonNode p = body.get("placement");
        PlacementRequest placement = p == null || p.isNull() ? null : PlacementRequest.parse(p, "placement.");
        TenantService.Known created = tenants.create(id, name, plan == null ? "" : plan, metadata == null ? Map.of() : metadata, placement);
        return HttpResponse.json(201, json(created));
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[6];
        RANDOM.nextBytes(b);
        return b;
    }

    private HttpResponse list(HttpRequest request) {
        String status = request.queryParam("status");
        if (status != null && List.of("active", "suspended", "deleted").stream().noneMatch(status::equals)) {
            throw ApiException.invalidInput("status", "status must be one of active, suspended, deleted");
        }
        List<TenantService.Known> all = tenants.all().stream()
                .filter(k -> status == null || k.tenant().getStatus().name().equals(status)).toList();
        return HttpResponse.json(200, page(request, all, this::json));
    }

    private HttpResponse get(HttpRequest request) {
        return HttpResponse.json(200, json(tenants.require(request.tenantIdParam())));
    }

    private HttpResponse update(HttpRequest request) throws InterruptedException {
        String id = request.tenantIdParam();
        JsonNode body = Json.parseObject(request.body());
        String name = text(body, "name", MAX_NAME, false);
        String plan = text(body, "plan", MAX_PLAN, false);
        Map<String, String> metadata = metadata(body);
        OptionalLong expected = expectedEpoch(body);
        return HttpResponse.json(200, json(tenants.update(id, name, plan, metadata, expected)));
    }

    private HttpResponse status(HttpRequest request, TenantStatus status) throws InterruptedException {
        return HttpResponse.json(200, json(tenants.setStatus(request.tenantIdParam(), status)));
    }

    private HttpResponse delete(HttpRequest request) throws InterruptedException {
        String id = request.tenantIdParam();
        long waitMs = DEFAULT_DELETE_WAIT_MS;
        String w = request.queryParam("wait_ms");
        if (w != null) {
            try {
                waitMs = Long.parseLong(w);
            } catch (NumberFormatException e) {
                waitMs = -1;
            }
            if (waitMs < 0 || waitMs > MAX_DELETE_WAIT_MS) {
                throw ApiException.invalidInput("wait_ms", "wait_ms must be an integer between 0 and " + MAX_DELETE_WAIT_MS);
            }
        }
        TenantService.DeleteOutcome outcome = tenants.delete(id, Duration.ofMillis(waitMs));
        return HttpResponse.json(outcome.pending().isEmpty() ? 200 : 202, outcome.toJson());
    }

    private HttpResponse usage(HttpRequest request) {
        String id = request.tenantIdParam();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("tenant_id", id);
        out.put("regions", tenants.usage(id).stream().map(TenantJson::usage).toList());
        return HttpResponse.json(200, out);
    }

    private HttpResponse issueKey(HttpRequest request) throws InterruptedException {
        String id = request.tenantIdParam();
        JsonNode body = Json.parseObject(request.body());
        String name = text(body, "name", MAX_NAME, true);
        Instant expiresAt = null;
        JsonNode e = body.get("expires_at");
        if (e != null && !e.isNull()) {
            try {
                expiresAt = Instant.parse(e.asText());
            } catch (DateTimeParseException ex) {
                throw ApiException.invalidInput("expires_at", "expires_at must be an ISO-8601 instant, e.g. 2030-01-01T00:00:00Z");
            }
            if (!e.isTextual() || !expiresAt.isAfter(Instant.now())) {
                throw ApiException.invalidInput("expires_at", "expires_at must be an ISO-8601 instant in the future");
            }
        }
        TenantService.Issued issued = tenants.issueKey(id, name, expiresAt);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("api_key", TenantJson.apiKey(issued.apiKey()));
        out.put("key", issued.rawKey());
        return HttpResponse.json(201, out);
    }

    private HttpResponse listKeys(HttpRequest request) {
        return HttpResponse.json(200, page(request, tenants.keysOf(request.tenantIdParam()), TenantJson::apiKey));
    }

    private HttpResponse revoke(HttpRequest request) throws InterruptedException {
        String key = request.pathParam("key");
        if (key == null || key.isEmpty()) {
            throw ApiException.invalidInput("key", "the key, or its SHA-256 (hex), is required");
        }
        ApiKey revoked = tenants.revoke(key);
        return HttpResponse.json(200, Map.of("revoked", true, "key", revoked.getKeySha256(), "tenant_id", revoked.getTenantId()));
    }

    // ---- shapes --------------------------------------------------------------------------------

    private Map<String, Object> json(TenantService.Known k) {
        Map<String, Object> out = TenantJson.tenant(k.tenant(), k.source());
        out.put("placement", tenants.placement(k.tenant().getTenantId()).map(Placements::toJson).orElse(null));
        return out;
    }

    /** MAIA's list shape ({@link ListPage}). */
    private static <T> Map<String, Object> page(HttpRequest request, List<T> all, Function<T, Map<String, Object>> toJson) {
        ListPage page = ListPage.of(request);
        return page.answer(page.of(all).stream().map(toJson).toList(), all.size());
    }


    private static String text(JsonNode body, String field, int max, boolean required) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            if (required) {
                throw ApiException.invalidInput(field, field + " is required");
            }
            return null;
        }
        if (!n.isTextual() || n.asText().isBlank()) {
            throw ApiException.invalidInput(field, field + " must be a non-empty string");
        }
        if (n.asText().length() > max) {
            throw ApiException.invalidInput(field, field + " must be at most " + max + " characters");
        }
        return n.asText();
    }

    private static Map<String, String> metadata(JsonNode body) {
        JsonNode m = body.get("metadata");
        if (m == null || m.isNull()) {
            return null;
        }
        if (!m.isObject() || m.size() > MAX_METADATA_ENTRIES) {
            throw ApiException.invalidInput("metadata", "metadata must be an object of at most " + MAX_METADATA_ENTRIES + " string values");
        }
        Map<String, String> out = new TreeMap<>();
        for (var it = m.fields(); it.hasNext(); ) {
            var e = it.next();
            if (!e.getValue().isTextual() || e.getValue().asText().length() > MAX_METADATA_VALUE) {
                throw ApiException.invalidInput("metadata." + e.getKey(), "metadata values must be strings of at most "
                        + MAX_METADATA_VALUE + " characters");
            }
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }

    private static OptionalLong expectedEpoch(JsonNode body) {
        JsonNode expected = body.get("expected_epoch");
        if (expected == null || expected.isNull()) {
            return OptionalLong.empty();
        }
        if (!expected.isIntegralNumber() || !expected.canConvertToLong()) {
            throw ApiException.invalidInput("expected_epoch", "expected_epoch must be an integer");
        }
        return OptionalLong.of(expected.asLong());
    }
}
