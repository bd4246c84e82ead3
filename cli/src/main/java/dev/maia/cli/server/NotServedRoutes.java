package dev.maia.cli.server;

import dev.maia.schemas.http.Access;
import dev.maia.schemas.http.ApiException;
import dev.maia.schemas.http.Routes;

import java.util.List;
import java.util.Map;

/**
 * MAIA's endpoints that this replication layer does not serve: its query engine (search, context
 * assembly) ranks and assembles memories, which is MAIA's own work, not a replica's. Each answers 501
 * {@code NOT_IMPLEMENTED} naming the endpoint, for every method, so a client of MAIA learns what is missing
 * instead of reading a 404 or 405 as a wrong URL. Other unknown paths stay 404.
 */
public final class NotServedRoutes {
    /** The paths, each with why a client does not find it here. */
    static final Map<String, String> PATHS = Map.of(
            "/v1/memories/search", "memory search belongs to MAIA's query engine",
            "/v1/context", "context assembly belongs to MAIA's query engine");

    private NotServedRoutes() {
    }

    public static void mount(Routes routes) {
        for (String path : List.copyOf(PATHS.keySet())) {
            routes.add(Routes.ANY_METHOD, path, Access.TENANT, request -> {
                throw new ApiException(501, "NOT_IMPLEMENTED", request.method() + " " + path
                        + " is not served by this replication layer: " + PATHS.get(path), Map.of("endpoint", path));
            });
        }
    }
}
