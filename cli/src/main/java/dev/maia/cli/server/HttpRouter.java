package dev.maia.cli.server;

import dev.maia.schemas.http.Access;
import dev.maia.schemas.http.ApiException;
import dev.maia.schemas.http.HttpRequest;
import dev.maia.schemas.http.HttpResponse;
import dev.maia.schemas.http.Route;
import dev.maia.schemas.http.Routes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.Arrays;

/**
 * Routes requests of one region's HTTP endpoint to the services mounted on it (write path, read path,
 * metrics), and turns every refusal into {@code {error, code, details?}}. Services register routes;
 * the process that owns the endpoint owns the server ({@link RegionHttpServer}), which asks the router
 * which route a request goes to ({@link #resolve}), and where it runs ({@link Resolved#inline}).
 */
public final class HttpRouter implements Routes {
    private static final Logger log = LoggerFactory.getLogger(HttpRouter.class);

    private record Binding(String method, String[] segments, Access access, Route route, boolean inline) {
    }

    /** The route a request goes to, with its path parameters. */
    public final class Resolved {
        private final Binding binding;
        private final Map<String, String> params;

        private Resolved(Binding binding, Map<String, String> params) {
            this.binding = binding;
            this.params = params;
        }

        /** Whether the route answers at once and runs on the server's thread (/health, /metrics). */
        public boolean inline() {
            return binding.inline();
        }

        /** Authorizes and runs the route; every refusal and failure becomes an error response. */
        public HttpResponse run(String method, String path, String rawQuery, Map<String, String> headers, byte[] body) {
            String tenant;
            try {
                tenant = authorize(binding.access(), headers);
            } catch (ApiException e) {
                authFailures.refused(e, method, path, presentedKey(headers));
                return error(e);
            }
            try {
                return binding.route().handle(new HttpRequest(method, path, params, query(rawQuery), headers, body, tenant));
            } catch (ApiException e) {
                return error(e);
            } catch (Exception e) {
                log.error("{} {} failed", method, path, e);
                return error(new ApiException(500, "INTERNAL_ERROR", "internal error: " + e.getClass().getSimpleName(), null));
            }
        }
    }

    private final List<Binding> bindings = new CopyOnWriteArrayList<>();
    private final ApiKeyring keyring;
    private final AuthFailures authFailures;

    public HttpRouter(ApiKeyring keyring, AuthFailures authFailures) {
        this.keyring = keyring;
        this.authFailures = authFailures;
    }

    @Override
    public HttpRouter add(String method, String pathTemplate, Access access, Route route) {
        bindings.add(new Binding(method, split(pathTemplate), access, route, false));
        return this;
    }

    /** A route that never waits (no Kafka, no position): it runs on the server's thread, not the route pool. */
    public HttpRouter addInline(String method, String pathTemplate, Access access, Route route) {
        bindings.add(new Binding(method, split(pathTemplate), access, route, true));
        return this;
    }

    /**
     * The route of a method and raw (still percent-encoded) path.
     *
     * @throws ApiException 404 for an unknown path, 405 for a known path and another method, 400 for bad encoding
     */
    public Resolved resolve(String method, String path) {
        // Split the raw path, then decode each segment: a namespace named "agents/alpha" is one segment
        // (agents%2Falpha), as MAIA's clients encode it.
        String[] segments = split(path);
        boolean pathKnown = false;
        Binding chosen = null;
        Map<String, String> chosenParams = null;
        for (Binding b : bindings) {
            Map<String, String> params = match(b.segments(), segments);
            if (params == null) {
                continue;
            }
            pathKnown = true;
            boolean methodMatches = b.method().equals(Routes.ANY_METHOD) || b.method().equals(method);
            // The most literal template wins: /v1/memories/search is not the memory "search".
            if (methodMatches && (chosen == null || literals(b) > literals(chosen))) {
                chosen = b;
                chosenParams = params;
            }
        }
        if (chosen != null) {
            return new Resolved(chosen, chosenParams);
        }
        if (pathKnown) {
            throw new ApiException(405, "METHOD_NOT_ALLOWED", method + " is not allowed on " + path, null);
        }
        throw ApiException.notFound("no such endpoint: " + path);
    }

    /** Checks the API key against the route's access; answers the tenant a tenant route acts for. */
    private String authorize(Access access, Map<String, String> headers) {
        if (access == Access.PUBLIC) {
            return null;
        }
        String key = presentedKey(headers);
        if (key == null || key.isEmpty()) {
            throw new ApiException(401, "UNAUTHORIZED", access == Access.METRICS
                    ? "the metrics key is required (Authorization: Bearer <metrics_key>)"
                    : "an API key is required (Authorization: Bearer <key> or X-API-Key)", null);
        }
        if (access == Access.METRICS) {
            if (keyring.isMetricsKey(key) || keyring.authenticate(key).filter(ApiKeyring.Principal::admin).isPresent()) {
                return null;
            }
            throw new ApiException(401, "UNAUTHORIZED", "/metrics needs the metrics key (on the API port, or the admin key)", null);
        }
        ApiKeyring.Principal principal = keyring.authenticate(key)
                .orElseThrow(() -> new ApiException(401, "UNAUTHORIZED", "unknown, revoked or expired API key, or a deleted tenant's", null));
        if (access == Access.ADMIN) {
            if (!principal.admin()) {
                throw new ApiException(403, "FORBIDDEN", "this endpoint needs the admin key", null);
            }
            return null;
        }
        if (principal.admin()) {
            throw new ApiException(403, "FORBIDDEN", "the admin key does not act for tenants; use the tenant's key", null);
        }
        String claimed = headers.get(HttpRequest.TENANT_HEADER.toLowerCase(Locale.ROOT));
        if (claimed != null && !claimed.equals(principal.tenant())) {
            throw new ApiException(403, "FORBIDDEN", "the API key does not belong to tenant " + claimed,
                    Map.of("field", HttpRequest.TENANT_HEADER));
        }
        if (principal.suspended()) {
            // MAIA's tenant middleware refuses every request of a suspended tenant, reads included.
            throw new ApiException(403, "TENANT_SUSPENDED", "tenant " + principal.tenant() + " is suspended",
                    Map.of("tenant_id", principal.tenant()));
        }
        return principal.tenant();
    }

    /** The API key a request presents ({@code X-API-Key}, else {@code Authorization: Bearer}), or null. */
    private static String presentedKey(Map<String, String> headers) {
        String key = headers.get("x-api-key");
        String authorization = headers.get("authorization");
        if (key == null && authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            key = authorization.substring(7).trim();
        }
        return key;
    }

    /** The {@code {error, code, details?}} answer of a refusal. */
    public static HttpResponse error(ApiException e) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", e.getMessage());
        body.put("code", e.code());
        if (!e.details().isEmpty()) {
            body.put("details", e.details());
        }
        return new HttpResponse(e.status(), body, e.headers());
    }

    private static String[] split(String path) {
        return Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toArray(String[]::new);
    }

    private static long literals(Binding b) {
        return Arrays.stream(b.segments()).filter(t -> !(t.startsWith("{") && t.endsWith("}"))).count();
    }

    private static Map<String, String> match(String[] template, String[] actual) {
        if (template.length != actual.length) {
            return null;
        }
        Map<String, String> params = new HashMap<>();
        for (int i = 0; i < template.length; i++) {
            String t = template[i];
            if (t.startsWith("{") && t.endsWith("}")) {
                params.put(t.substring(1, t.length() - 1), PercentDecoding.pathSegment(actual[i]));
            } else if (!t.equals(actual[i])) {
                return null;
            }
        }
        return params;
    }

    private static Map<String, List<String>> query(String raw) {
        Map<String, List<String>> out = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = PercentDecoding.queryComponent(eq < 0 ? pair : pair.substring(0, eq));
            String v = eq < 0 ? "" : PercentDecoding.queryComponent(pair.substring(eq + 1));
            out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
        }
        return out;
    }
}
