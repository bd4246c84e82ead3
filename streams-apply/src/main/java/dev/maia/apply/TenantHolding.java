package dev.maia.apply;

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
                                     java.util.function.Function<String, java.util.Optional<dev.maia.schemas.avro.Placement>> placements) {
        return tenant -> placements.apply(tenant).map(p -> dev.maia.schemas.placement.Placements.holders(p).contains(region)).orElse(true);
    }
}
