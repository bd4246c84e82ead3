package dev.maia.apply;

import dev.maia.schemas.avro.Placement;
import dev.maia.schemas.placement.Placements;
import java.util.Optional;
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

    /** Holding by the tenants' current placements, as this region's placement view knows them. */
    static TenantHolding byPlacement(String region,
                                     Function<String, Optional<Placement>> placements) {
        return tenant -> placements.apply(tenant).map(p -> Placements.holders(p).contains(region)).orElse(true);
    }

    /** Not a tenant that is deleted (held nowhere), and otherwise as {@code held} says. */
    default TenantHolding unlessDeleted(Predicate<String> deleted) {
        return tenant -> !deleted.test(tenant) && holds(tenant);
    }
}
