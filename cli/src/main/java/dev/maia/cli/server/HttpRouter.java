package dev.maia.cli.server;

import dev.maia.schemas.http.Access;
import dev.maia.schemas.http.ApiException;
import dev.maia.schemas.http.HttpRequest;
import dev.maia.schemas.http.HttpResponse;
import dev.maia.schemas.http.Json;
import dev.maia.schemas.http.Route;
import dev.maia.schemas.http.Routes;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
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
 * the process that owns the endpoint owns the server.
 */
public final class HttpRouter implements HttpHandler, Routes {
    private static final Logger log = LoggerFactory.getLogger(HttpRouter.class);

    private record Binding(String method, String[] segments, Access access, Route route) {
    }

    private final List<Binding> bindings = new CopyOnWriteArrayList<>();
    private final int maxBodyBytes;
    private final ApiKeyring keyring;

    public HttpRouter(int maxBodyBytes, ApiKeyring keyring) {
        this.maxBodyBytes = maxBodyBytes;
        this.keyring = keyring;
    }

    @Override
    public HttpRouter add(String method, String pathTemplate, Access access, Route route) {
        bindings.add(new Binding(method, split(pathTemplate), access, route));
        return this;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        HttpResponse response;
        try {
            response = dispatch(exchange);
        } catch (ApiException e) {
            response = error(e);
        } catch (Exception e) {
            log.error("{} {} failed", exchange.getRequestMethod(), exchange.getRequestURI().getPath(), e);
            response = error(new ApiException(500, "INTERNAL_ERROR", "internal error: " + e.getClass().getSimpleName(), null));
        }
        write(exchange, response);
    }

    private HttpResponse dispatch(HttpExchange exchange) throws Exception {
        // Split the raw path, then decode each segment: a namespace named "agents/alpha" is one segment
        // (agents%2Falpha), as MAIA's clients encode it.
        String path = exchange.getRequestURI().getRawPath();
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
            boolean methodMatches = b.method().equals(Routes.ANY_METHOD) || b.method().equals(exchange.getRequestMethod());
            // The most literal template wins: /v1/memories/search is not the memory "search".
            if (methodMatches && (chosen == null || literals(b) > literals(chosen))) {
                chosen = b;
                chosenParams = params;
            }
        }
        if (chosen != null) {
            Map<String, String> headers = headers(exchange);
            String tenant = authorize(chosen.access(), headers);
            HttpRequest request = new HttpRequest(exchange.getRequestMethod(), path, chosenParams,
                    query(exchange.getRequestURI().getRawQuery()), headers, readBody(exchange), tenant);
            return chosen.route().handle(request);
        }
        if (pathKnown) {
            throw new ApiException(405, "METHOD_NOT_ALLOWED", exchange.getRequestMethod() + " is not allowed on " + path, null);
        }
        throw ApiException.notFound("no such endpoint: " + path);
    }

    /** Checks the API key against the route's access; answers the tenant a tenant route acts for. */
    private String authorize(Access access, Map<String, String> headers) {
        if (access == Access.PUBLIC) {
            return null;
        }
        String key = headers.get("x-api-key");
        String authorization = headers.get("authorization");
        if (key == null && authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            key = authorization.substring(7).trim();
        }
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

    /** Bodies up to this size are read to their end even when refused, so the client gets its 413. */
    private static final long MAX_DRAIN_BYTES = 64L * 1024 * 1024;

    private byte[] readBody(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes(maxBodyBytes + 1);
            if (body.length > maxBodyBytes) {
                // Answering before the client has finished sending resets the connection under it, and it
                // sees no answer at all: drain (bounded), then refuse.
                byte[] sink = new byte[64 * 1024];
                long drained = 0;
                int n;
                while (drained < MAX_DRAIN_BYTES && (n = in.read(sink)) >= 0) {
                    drained += n;
                }
                throw new ApiException(413, "INVALID_INPUT", "request body exceeds " + maxBodyBytes + " bytes",
                        Map.of("field", "body", "limit", maxBodyBytes));
            }
            return body;
        }
    }

    private static HttpResponse error(ApiException e) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", e.getMessage());
        body.put("code", e.code());
        if (!e.details().isEmpty()) {
            body.put("details", e.details());
        }
        return new HttpResponse(e.status(), body, e.headers());
    }

    private static void write(HttpExchange exchange, HttpResponse response) throws IOException {
        byte[] bytes;
        String contentType;
        if (response.body() instanceof String s && response.headers().containsKey("Content-Type")) {
            bytes = s.getBytes(StandardCharsets.UTF_8);
            contentType = response.headers().get("Content-Type");
        } else {
            bytes = response.body() == null ? new byte[0] : Json.write(response.body()).getBytes(StandardCharsets.UTF_8);
            contentType = "application/json";
        }
        response.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(response.status(), bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
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
                params.put(t.substring(1, t.length() - 1), decode(actual[i]));
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
            String k = decode(eq < 0 ? pair : pair.substring(0, eq));
            String v = eq < 0 ? "" : decode(pair.substring(eq + 1));
            out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
        }
        return out;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalidInput("url", "malformed percent-encoding in '" + s + "'");
        }
    }

    private static Map<String, String> headers(HttpExchange exchange) {
        Map<String, String> out = new HashMap<>();
        exchange.getRequestHeaders().forEach((k, v) -> {
            if (!v.isEmpty()) {
                out.put(k.toLowerCase(Locale.ROOT), v.get(0));
            }
        });
        return out;
    }
}
