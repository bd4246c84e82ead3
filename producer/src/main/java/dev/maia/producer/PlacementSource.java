package dev.maia.producer;

import dev.maia.schemas.avro.Placement;

import java.util.Optional;

/**
 * Where the write path learns a tenant's placement and the endpoint of its primary.
 * {@link PlacementService} is the region's; the write path depends only on this.
 */
interface PlacementSource {

    Optional<Placement> get(String tenant);

    /** The tenant's placement, created as the default (single, in this region) if it has none yet. */
    Placement forWrite(String tenant) throws InterruptedException;

    /**
     * Whether this region holds its lease now (renewed through the control log): it leads the tenants that
     * can fail over only while it does.
     */
    boolean holdsLease();

    /** The HTTP endpoint of a region, for redirects. */
    Optional<String> endpoint(String regionName);
}
