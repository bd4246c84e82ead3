package dev.maia.producer;

import dev.maia.control.log.ControlLogUnavailableException;
import dev.maia.control.placement.PlacementConflictException;
import dev.maia.control.placement.PlacementLog;
import dev.maia.control.placement.PlacementView;
import dev.maia.producer.audit.AuditTrail;
import dev.maia.schemas.avro.ConflictStrategy;
import dev.maia.schemas.avro.Migration;
import dev.maia.schemas.avro.Placement;
import dev.maia.schemas.avro.PlacementMode;
import dev.maia.schemas.avro.SyncMode;
import dev.maia.schemas.http.ApiException;
import dev.maia.schemas.placement.Placements;
import dev.maia.schemas.topology.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.BooleanSupplier;

/**
 * Tenant placements as the write path needs them: read from the region's {@link PlacementView} of the
 * control log, changed only through the control log ({@link PlacementLog}): a change names the epoch it
 * replaces and holds only if it is the first to do so. A tenant without a placement gets the default on
 * its first write: single, in the region that first sees it, unless another region placed it first.
 */
public final class PlacementService implements PlacementSource {
    private static final Logger log = LoggerFactory.getLogger(PlacementService.class);

    /** The admin API's principal: it accepts the admin key only, one key for the operator. */
    private static final String ADMIN = "admin";

    private final String region;
    private final Topology topology;
    private final PlacementView view;
    private final PlacementLog placementLog;
    private final AuditTrail audit;
    private final BooleanSupplier leaseHeld;

    /**
     * Every accepted change is recorded in {@code audit}, with who made it ({@link AuditTrail});
     * {@code leaseHeld} tells whether this region holds its lease now.
     */
    public PlacementService(String region, Topology topology, PlacementView view, PlacementLog placementLog, AuditTrail audit,
                            BooleanSupplier leaseHeld) {
        this.region = region;
        this.leaseHeld = leaseHeld;
        this.topology = topology;
        this.view = view;
        this.placementLog = placementLog;
        this.audit = audit;
    }

    @Override
    public boolean holdsLease() {
        return leaseHeld.getAsBoolean();
    }

    @Override
    public Optional<Placement> get(String tenant) {
        return view.get(tenant);
    }

    public String region() {
        return region;
    }

    public List<String> regions() {
        return topology.regionNames();
    }

    /** The tenants whose primary is moving (unsorted: asked every tick of {@link MigrationDriver}). */
    List<Placement> migrating() {
        return view.values().stream().filter(p -> p.getMigration() != null).toList();
    }

    public List<Placement> all() {
        return view.all().values().stream().sorted(Comparator.comparing(Placement::getTenantId)).toList();
    }

    @Override
    public Placement forWrite(String tenant) throws InterruptedException {
        Optional<Placement> existing = view.get(tenant);
        if (existing.isPresent()) {
            return existing.get();
        }
        try {
            Placement created = propose(placement(tenant, PlacementMode.single, region, List.of(), 1, null, 1, ConflictStrategy.lww),
                    "tenant:" + tenant);
            log.info("Tenant {} had no placement: placed single in {}", tenant, region);
            return created;
        } catch (PlacementConflictException e) {
            // Another region's first write placed it first: its placement holds (this write is redirected).
            return e.current().orElseThrow(() -> unavailable(e));
        }
    }

    /**
     * Validates a change and appends it as the successor of {@code expectedEpoch} (the epoch in effect
     * here when absent). A change that moves the primary of a placed tenant does not switch at once: it
     * starts a migration ({@link MigrationDriver}) and answers the migrating placement; {@code force}
     * switches at once (for a primary that is gone: writes it accepted and had not shipped may be lost).
     * 409 {@code PLACEMENT_CONFLICT} with the placement in effect when another change came first or a
     * migration is in progress, 503 {@code NO_CONTROL_QUORUM} when no majority of the control cluster could
     * be reached.
     */
    public Placement change(String tenant, PlacementMode mode, String primary, List<String> replicas,
                            SyncMode syncMode, int minSyncReplicas, ConflictStrategy strategy, OptionalLong expectedEpoch,
                            boolean force)
            throws InterruptedException {
        List<String> canonical = Placements.canonicalReplicas(mode, primary, replicas, topology.regionNames());
        Placements.validateSync(syncMode, minSyncReplicas, canonical);
        Optional<Placement> current = view.get(tenant);
        long inEffect = current.map(Placement::getEpoch).orElse(0L);
        long replaces = expectedEpoch.orElse(inEffect);
        if (replaces != inEffect) {
            throw conflict(tenant, "expected_epoch is " + replaces + " but epoch " + inEffect + " is in effect", current.orElse(null));
        }
        if (current.isPresent() && current.get().getMigration() != null && !force) {
            throw conflict(tenant, "a migration to " + current.get().getMigration().getToRegion()
                    + " is in progress; wait for it or abort it", current.get());
        }
        Placement next;
        if (current.isPresent() && !current.get().getPrimaryRegion().equals(primary) && !force) {
            next = Placements.successor(current.get(), region).setConflictStrategy(strategy).setMigration(Migration.newBuilder().setToRegion(primary)
                    .setMode(mode).setReplicas(canonical).setSyncMode(syncMode).setMinSyncReplicas(minSyncReplicas)
                    .setStartedAt(Instant.now()).setDrained(null).build()).build();
        } else {
            next = placement(tenant, mode, primary, canonical, replaces + 1, syncMode, minSyncReplicas, strategy);
        }
        return proposeOrConflict(next, ADMIN);
    }

    /**
     * {@code maia migrate}: moves the primary to {@code to}, keeping the mode; a replicated tenant's old
     * primary becomes a replica in place of the new one.
     */
    public Placement migrate(String tenant, String to, OptionalLong expectedEpoch) throws InterruptedException {
        Placement current = view.get(tenant).orElseThrow(() -> ApiException.notFound("tenant " + tenant + " has no placement"));
        if (current.getPrimaryRegion().equals(to) && current.getMigration() == null) {
            throw ApiException.invalidInput("to_region", to + " is already the primary of " + tenant);
        }
        List<String> replicas = new ArrayList<>(current.getReplicas());
        if (current.getMode() == PlacementMode.replicated) {
            replicas.remove(to);
            replicas.add(current.getPrimaryRegion());
        }
        return change(tenant, current.getMode(), to, current.getMode() == PlacementMode.replicated ? replicas : List.of(),
                current.getSyncMode(), current.getMinSyncReplicas(), current.getConflictStrategy(), expectedEpoch, false);
    }

    /** Ends a migration that has not switched yet: the old primary takes writes again. */
    public Placement abortMigration(String tenant) throws InterruptedException {
        Placement current = view.get(tenant).orElseThrow(() -> ApiException.notFound("tenant " + tenant + " has no placement"));
        if (current.getMigration() == null) {
            throw new ApiException(409, "NO_MIGRATION", "tenant " + tenant + " is not migrating", Map.of("current", Placements.toJson(current)));
        }
        return proposeOrConflict(Placements.successor(current, region).setMigration(null).build(), ADMIN);
    }

    /** A step of a migration ({@link MigrationDriver}); empty if another change came first. */
    Optional<Placement> advance(Placement next) throws InterruptedException {
        Placement before = view.get(next.getTenantId()).orElse(null);
        try {
            Placement accepted = placementLog.propose(next);
            audit.placementChanged("region:" + region, AuditTrail.action(before, accepted), before, accepted);
            return Optional.of(accepted);
        } catch (PlacementConflictException e) {
            return Optional.empty();
        } catch (ControlLogUnavailableException e) {
            log.warn("migration of {}: {}", next.getTenantId(), e.getMessage());
            return Optional.empty();
        }
    }

    /** An operator's failover ({@link FailoverDriver#force}), recorded as the admin's. */
    Placement forceFailover(Placement next) throws InterruptedException {
        return proposeOrConflict(next, ADMIN);
    }

    private Placement proposeOrConflict(Placement next, String principal) throws InterruptedException {
        try {
            return propose(next, principal);
        } catch (PlacementConflictException e) {
            throw conflict(next.getTenantId(), e.getMessage(), e.current().orElse(null));
        }
    }

    private Placement placement(String tenant, PlacementMode mode, String primary, List<String> replicas, long epoch,
                                SyncMode syncMode, int minSyncReplicas, ConflictStrategy strategy) {
        return Placement.newBuilder().setTenantId(tenant).setMode(mode).setPrimaryRegion(primary)
                .setReplicas(replicas).setEpoch(epoch).setUpdatedIn(region).setUpdatedAt(Instant.now())
                .setSyncMode(syncMode).setMinSyncReplicas(minSyncReplicas).setConflictStrategy(strategy).build();
    }

    /** Appends a change; once accepted, records it with its principal. */
    private Placement propose(Placement p, String principal) throws PlacementConflictException, InterruptedException {
        Placement before = view.get(p.getTenantId()).orElse(null);
        try {
            Placement accepted = placementLog.propose(p);
            audit.placementChanged(principal, AuditTrail.action(before, accepted), before, accepted);
            return accepted;
        } catch (ControlLogUnavailableException e) {
            throw unavailable(e);
        }
    }

    private static ApiException conflict(String tenant, String message, Placement current) {
        return new ApiException(409, "PLACEMENT_CONFLICT", "placement of " + tenant + " not changed: " + message,
                current == null ? Map.of() : Map.of("current", Placements.toJson(current)));
    }

    private ApiException unavailable(Exception e) {
        // Retryable, but not blindly: a change the leader appended before the majority went away can still
        // take effect once it is back, so a client reads the placement before it retries.
        return new ApiException(503, "NO_CONTROL_QUORUM", "region " + region + " cannot change placements now: "
                + e.getMessage() + "; read the placement before retrying", Map.of("retryable", true));
    }

    @Override
    public Optional<String> endpoint(String regionName) {
        return topology.region(regionName).map(r -> r.endpoint());
    }
}
