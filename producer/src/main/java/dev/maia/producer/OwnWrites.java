package dev.maia.producer;

import dev.maia.schemas.http.ApiException;
import dev.maia.schemas.read.CurrentState;
import dev.maia.schemas.wal.PositionToken;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The writes this region has accepted, per tenant: the last offset it appended to each partition. A
 * change is built on the region's current state only once the region has applied them, so a PUT right
 * after a POST sees the POST.
 */
public final class OwnWrites {
    private static final long WAIT_MS = 10_000;

    private final String region;
    private final Map<String, Map<Integer, Long>> lastOffsets = new ConcurrentHashMap<>();

    public OwnWrites(String region) {
        this.region = region;
    }

    void remember(PositionToken p) {
        lastOffsets.computeIfAbsent(p.tenant(), t -> new ConcurrentHashMap<>()).merge(p.partition(), p.offset(), Math::max);
    }

    /** Waits until {@code state} has applied every write this region accepted for the tenant; 503 if it lags too long. */
    void await(String tenant, CurrentState state) throws InterruptedException {
        for (var e : lastOffsets.getOrDefault(tenant, Map.of()).entrySet()) {
            if (!state.awaitApplied(region, tenant, e.getKey(), e.getValue(), WAIT_MS)) {
                throw new ApiException(503, "APPLY_BEHIND", "this region has not yet applied its own earlier writes of tenant "
                        + tenant + " (partition " + e.getKey() + ", offset " + e.getValue() + "); retry", null);
            }
        }
    }
}
