package dev.maia.apply.read;

import dev.maia.apply.position.PositionTracker;
import dev.maia.apply.store.ReplicaStore;
import dev.maia.apply.store.StateDigest;
import dev.maia.schemas.http.Access;
import dev.maia.schemas.http.ApiException;
import dev.maia.schemas.http.HttpRequest;
import dev.maia.schemas.http.HttpResponse;
import dev.maia.schemas.http.Routes;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /admin/tenants/{id}/digest}: a digest of the tenant's state in this region with the
 * position vector it is the state of. {@code maia verify} compares these across the holders of a tenant,
 * and the origins' log ends with {@code passed}: the vector moved past the dead-lettered entries.
 */
public final class DigestRoutes {
    /** Tries before answering that the tenant's state kept moving; a quiet moment is usually the first. */
    static final int ATTEMPTS = 20;
    private static final long PAUSE_MS = 25;

    private final String region;
    private final ReplicaStore store;
    private final PositionTracker positions;

    public DigestRoutes(String region, ReplicaStore store, PositionTracker positions) {
        this.region = region;
        this.store = store;
        this.positions = positions;
    }

    public void mount(Routes router) {
        router.add("GET", "/admin/tenants/{id}/digest", Access.ADMIN, this::digest);
    }

    HttpResponse digest(HttpRequest request) throws InterruptedException {
        String tenant = request.tenantIdParam();
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            Optional<PositionTracker.AtVector<StateDigest>> read =
                    positions.readAtOneVector(tenant, () -> StateDigest.of(store, tenant));
            if (read.isPresent()) {
                return HttpResponse.json(200, body(tenant, read.get()));
            }
            Thread.sleep(PAUSE_MS);
        }
        throw new ApiException(503, "STATE_MOVING", "the state of tenant " + tenant + " in " + region
                + " changed during each of " + ATTEMPTS + " attempts to digest it; try again",
                Map.of("attempts", ATTEMPTS));
    }

    private Map<String, Object> body(String tenant, PositionTracker.AtVector<StateDigest> read) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("region", region);
        out.put("tenant", tenant);
        out.put("positions", read.vector());
        out.put("passed", read.passed());
        out.put("resources", read.value().resources());
        out.put("digest", read.value().digest());
        return out;
    }
}
