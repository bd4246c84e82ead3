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

    /** The HTTP endpoint of a region, for redirects. */
    Optional<String> endpoint(String regionName);
}
