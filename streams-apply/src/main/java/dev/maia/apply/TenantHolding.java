package dev.maia.apply;

import dev.maia.schemas.avro.Placement;
import dev.maia.schemas.placement.Placements;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Whether this region holds a tenant's data by its current placement. Unknown tenants count as held:
 * their placement may simply not have arrived yet, and MirrorMaker's placement filter only ever brings
 * a tenant's log to regions that hold it.
 */
@FunctionalInterface
public interface TenantHolding {
    boolean holds(String tenantId);

    TenantHolding ALL = tenant -> true;

    /**
     * Holding by the tenants' current placements, as this region's placement view knows them. The answer
     * is kept per placement (by identity: a new placement is a new object), since working out a placement's
     * holders for every applied entry was 6-10% of the stream thread (docs/benchmarks.md, issue 14).
     */
    static TenantHolding byPlacement(String region,
                                     Function<String, Optional<Placement>> placements) {
        record Held(Placement placement, boolean holds) {
        }
        Map<String, Held> answers = new ConcurrentHashMap<>();
        return tenant -> {
            Optional<Placement> current = placements.apply(tenant);
            if (current.isEmpty()) {
                return true;
            }
            Placement p = current.get();
            Held held = answers.get(tenant);
            if (held == null || held.placement() != p) {
                held = new Held(p, Placements.holders(p).contains(region));
                answers.put(tenant, held);
            }
            return held.holds();
        };
    }

    /** Not a tenant that is deleted (held nowhere), and otherwise as {@code held} says. */
    default TenantHolding unlessDeleted(Predicate<String> deleted) {
        return tenant -> !deleted.test(tenant) && holds(tenant);
    }
}
