package dev.maia.producer;

import dev.maia.schemas.http.Access;
import dev.maia.schemas.http.HttpRequest;
import dev.maia.schemas.http.HttpResponse;
import dev.maia.schemas.http.Route;
import dev.maia.schemas.http.Routes;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Holds the routes a service mounts and calls them as the region's server would, for one tenant. */
final class CapturedRoutes implements Routes {
    private record Mounted(String method, String template, Access access, Route route) {
    }

    private final Map<String, Mounted> routes = new LinkedHashMap<>();

    @Override
    public Routes add(String method, String pathTemplate, Access access, Route route) {
        routes.put(method + " " + pathTemplate, new Mounted(method, pathTemplate, access, route));
        return this;
    }

    /** {@code METHOD template} of every route mounted. */
    Set<String> mounted() {
        return routes.keySet();
    }

    HttpResponse call(String tenant, String method, String path, String body) throws Exception {
        return call(tenant, method, path, body, Map.of());
    }

    /** A call with request headers (any case: the server hands routes lower-case names). */
    HttpResponse call(String tenant, String method, String path, String body, Map<String, String> headers) throws Exception {
        Map<String, String> lower = new HashMap<>();
        headers.forEach((name, value) -> lower.put(name.toLowerCase(Locale.ROOT), value));
        for (Mounted m : routes.values()) {
            Map<String, String> params = match(m.template(), path);
            if (m.method().equals(method) && params != null) {
                byte[] bytes = body == null ? null : body.getBytes(StandardCharsets.UTF_8);
                return m.route().handle(new HttpRequest(method, path, params, Map.of(), lower, bytes, tenant));
            }
        }
        throw new AssertionError("no route for " + method + " " + path);
    }

    /** The path parameters if {@code path} fits {@code template}, else null. */
    private static Map<String, String> match(String template, String path) {
        String[] want = template.split("/");
        String[] have = path.split("/");
        if (want.length != have.length) {
            return null;
        }
        Map<String, String> params = new HashMap<>();
        for (int i = 0; i < want.length; i++) {
            if (want[i].startsWith("{")) {
                params.put(want[i].substring(1, want[i].length() - 1), have[i]);
            } else if (!want[i].equals(have[i])) {
                return null;
            }
        }
        return params;
    }
}
