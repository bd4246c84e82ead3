package dev.maia.schemas.placement;

import dev.maia.schemas.avro.ConflictStrategy;
import dev.maia.schemas.avro.DrainedOffset;
import dev.maia.schemas.avro.Failover;
import dev.maia.schemas.avro.Migration;
import dev.maia.schemas.avro.Placement;
import dev.maia.schemas.avro.PlacementMode;
import dev.maia.schemas.avro.SyncMode;
import dev.maia.schemas.wal.AvroClasses;
import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.message.BinaryMessageEncoder;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The rules of tenant placement: which change of the control log takes effect, which regions hold a
 * tenant, and how a placement travels in {@code maia.control}.
 */
public final class Placements {
    static {
        AvroClasses.trust();
    }

    private static final BinaryMessageEncoder<Placement> ENCODER = Placement.getEncoder();
    /** Reads placements written before the failover field existed, too: the control log keeps every record. */
    private static final BinaryMessageDecoder<Placement> DECODER = Placement.createDecoder(previousVersions());

    private Placements() {
    }

    /**
     * Every region that holds the tenant's data: the primary first, then its replicas, then the region a
     * migration moves the primary to (it must receive and apply the whole history before it switches).
     */
    public static List<String> holders(Placement p) {
        List<String> out = new ArrayList<>();
        out.add(p.getPrimaryRegion());
        p.getReplicas().stream().filter(r -> !out.contains(r)).forEach(out::add);
        if (p.getMigration() != null && !out.contains(p.getMigration().getToRegion())) {
            out.add(p.getMigration().getToRegion());
        }
        return out;
    }

    /**
     * Whether another region can take the tenant over when its primary's lease lapses: a single-region
     * tenant has no other copy, so it waits for its region instead.
     */
    public static boolean canFailOver(Placement p) {
        return p.getMode() != PlacementMode.single && !p.getReplicas().isEmpty();
    }

    /**
     * Whether another region took the tenant over after {@code epoch}: a failover's record stays in every later
     * placement until the next failover replaces it. Other changes since (a migration started or switched, new
     * replicas) leave a write that checked {@code epoch} this region's own: a migration drains it first.
     */
    public static boolean failedOverSince(Placement current, long epoch) {
        return current.getFailover() != null && current.getFailover().getEpoch() > epoch;
    }

    /** The next change of {@code p}: its epoch + 1, made in {@code region} now. */
    public static Placement.Builder successor(Placement p, String region) {
        return Placement.newBuilder(p).setEpoch(p.getEpoch() + 1).setUpdatedIn(region).setUpdatedAt(Instant.now());
    }

    /**
     * The change that makes {@code newPrimary} the tenant's primary in place of one whose lease lapsed: the old
     * primary becomes a replica (it catches up when it returns), a migration in progress ends, and the
     * placement records the failover. Every reader lets it take effect only if {@code from}'s last lease
     * renewal before it in the log is the one at {@code lapsedLeaseOffset}.
     *
     * @param applied what {@code newPrimary} had applied of the old primary's log: later entries are leftovers
     */
    public static Placement failedOver(Placement p, String newPrimary, List<String> regions, long lapsedLeaseOffset,
                                       List<DrainedOffset> applied, boolean forced, String madeIn) {
        List<String> replicas = new ArrayList<>(p.getReplicas());
        replicas.remove(newPrimary);
        replicas.add(p.getPrimaryRegion());
        return successor(p, madeIn).setPrimaryRegion(newPrimary)
                .setReplicas(canonicalReplicas(p.getMode(), newPrimary, replicas, regions)).setMigration(null)
                .setFailover(new Failover(p.getEpoch() + 1, p.getPrimaryRegion(), lapsedLeaseOffset, applied, Instant.now(), forced))
                .build();
    }

    /** The change that ends a migration: the target placement, primary in the new region, no migration. */
    public static Placement switched(Placement migrating, String region) {
        Migration m = migrating.getMigration();
        return successor(migrating, region).setPrimaryRegion(m.getToRegion()).setMode(m.getMode())
                .setReplicas(m.getReplicas()).setSyncMode(m.getSyncMode()).setMinSyncReplicas(m.getMinSyncReplicas())
                .setMigration(null).build();
    }

    /**
     * The conditional-append rule every reader of the control log applies, in log order: a change takes
     * effect only if it replaces the epoch in effect (its epoch is that one + 1; 1 for a tenant without a
     * placement). Of two changes made on the same epoch the first in the log wins and the second is
     * ignored everywhere, so no two regions can both believe their change took effect.
     */
    public static boolean follows(Placement candidate, Placement current) {
        return candidate.getEpoch() == (current == null ? 0 : current.getEpoch()) + 1;
    }

    public static byte[] encode(Placement p) {
        try {
            return ENCODER.encode(p).array();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Placement decode(byte[] bytes) throws IOException {
        return DECODER.decode(bytes);
    }

    private static SchemaStore previousVersions() {
        SchemaStore.Cache store = new SchemaStore.Cache();
        try (InputStream in = Placements.class.getResourceAsStream("/dev/maia/schemas/avro-history/Placement-v1.avsc")) {
            if (in == null) {
                throw new IllegalStateException("schema history Placement-v1.avsc is missing from the jar");
            }
            store.addSchema(new Schema.Parser().parse(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return store;
    }

    public static Map<String, Object> toJson(Placement p) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("tenant_id", p.getTenantId());
        out.put("primary_region", p.getPrimaryRegion());
        out.put("replicas", p.getReplicas());
        out.put("mode", p.getMode().name());
        out.put("epoch", p.getEpoch());
        out.put("updated_in", p.getUpdatedIn());
        out.put("updated_at", p.getUpdatedAt().toString());
        out.put("sync_mode", p.getSyncMode() == null ? null : syncModeName(p.getSyncMode()));
        out.put("min_sync_replicas", p.getMinSyncReplicas());
        out.put("conflict_strategy", p.getConflictStrategy().name());
        Migration m = p.getMigration();
        if (m != null) {
            Map<String, Object> migration = new LinkedHashMap<>();
            migration.put("to_region", m.getToRegion());
            migration.put("mode", m.getMode().name());
            migration.put("replicas", m.getReplicas());
            migration.put("started_at", m.getStartedAt().toString());
            migration.put("drained", m.getDrained() == null ? null : m.getDrained().stream().map(d -> Map.of(
                    "origin_region", d.getOriginRegion(), "partition", d.getPartition(), "offset", d.getOffset())).toList());
            out.put("migration", migration);
        }
        Failover f = p.getFailover();
        if (f != null) {
            Map<String, Object> failover = new LinkedHashMap<>();
            failover.put("epoch", f.getEpoch());
            failover.put("from_region", f.getFromRegion());
            failover.put("at", f.getAt().toString());
            failover.put("forced", f.getForced());
            failover.put("applied", f.getApplied().stream().map(d -> Map.of(
                    "origin_region", d.getOriginRegion(), "partition", d.getPartition(), "offset", d.getOffset())).toList());
            out.put("failover", failover);
        }
        return out;
    }

    /** A strategy by its API name ({@code lww}, {@code merge}); null means the default, lww. */
    public static ConflictStrategy parseConflictStrategy(String name) {
        if (name == null) {
            return ConflictStrategy.lww;
        }
        for (ConflictStrategy s : ConflictStrategy.values()) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        throw new InvalidPlacementException("conflict_strategy", "must be one of lww, merge, got '" + name + "'");
    }

    /** The API's spelling of a sync mode: {@code async}, {@code semi-sync}, {@code sync}. */
    public static String syncModeName(SyncMode mode) {
        return mode.name().replace('_', '-');
    }

    public static SyncMode parseSyncMode(String name) {
        for (SyncMode m : SyncMode.values()) {
            if (syncModeName(m).equals(name)) {
                return m;
            }
        }
        throw new InvalidPlacementException("sync_mode", "must be one of async, semi-sync, sync, got '" + name + "'");
    }

    /**
     * Checks a tenant's sync settings against its replicas: waiting for replicas a tenant does not have
     * is a configuration error, not a silent async.
     */
    public static void validateSync(SyncMode mode, int minSyncReplicas, List<String> replicas) {
        if (mode == null || mode == SyncMode.async) {
            return;
        }
        if (replicas.isEmpty()) {
            throw new InvalidPlacementException("sync_mode", "a tenant without replicas cannot be " + syncModeName(mode)
                    + "; use async or add replicas");
        }
        if (mode == SyncMode.semi_sync && (minSyncReplicas < 1 || minSyncReplicas > replicas.size())) {
            throw new InvalidPlacementException("min_sync_replicas", "must be between 1 and the " + replicas.size()
                    + " replica(s), got " + minSyncReplicas);
        }
    }

    /**
     * Checks a requested placement against the regions of the deployment and returns its replica list in
     * canonical form (sorted; every other region for {@code global}). The message names the bad field.
     */
    public static List<String> canonicalReplicas(PlacementMode mode, String primary, List<String> replicas, List<String> regions) {
        if (primary == null || !regions.contains(primary)) {
            throw new InvalidPlacementException("primary_region", "'" + primary + "' is not a region of this deployment " + regions);
        }
        TreeSet<String> set = new TreeSet<>(replicas == null ? List.of() : replicas);
        for (String r : set) {
            if (!regions.contains(r)) {
                throw new InvalidPlacementException("replicas", "'" + r + "' is not a region of this deployment " + regions);
            }
        }
        if (set.contains(primary)) {
            throw new InvalidPlacementException("replicas", "the primary region " + primary + " cannot be its own replica");
        }
        if (replicas != null && set.size() != replicas.size()) {
            throw new InvalidPlacementException("replicas", "a region is listed twice");
        }
        TreeSet<String> others = new TreeSet<>(regions);
        others.remove(primary);
        switch (mode) {
            case single -> {
                if (!set.isEmpty()) {
                    throw new InvalidPlacementException("replicas", "a single-region tenant has no replicas");
                }
            }
            case replicated -> {
                if (set.isEmpty()) {
                    throw new InvalidPlacementException("replicas", "a replicated tenant needs at least one replica");
                }
            }
            case global -> {
                if (!set.isEmpty() && !set.equals(others)) {
                    throw new InvalidPlacementException("replicas", "a global tenant is replicated to every other region " + others
                            + "; leave replicas out or list exactly those");
                }
                set = others;
            }
        }
        return List.copyOf(set);
    }
}
