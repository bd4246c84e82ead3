package dev.maia.schemas.placement;

import dev.maia.schemas.avro.ConflictStrategy;
import dev.maia.schemas.avro.Placement;
import dev.maia.schemas.avro.PlacementMode;
import dev.maia.schemas.avro.SyncMode;
import dev.maia.schemas.wal.AvroClasses;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The rules of tenant placement: which of two placements wins, which regions hold a tenant, and how a
 * placement travels in {@code maia.placement}.
 */
public final class Placements {
    static {
        AvroClasses.trust();
    }

    /** The higher epoch wins; two changes made at once with the same epoch are ordered by region. */
    public static final Comparator<Placement> ORDER = Comparator.comparingLong(Placement::getEpoch)
            .thenComparing(Placement::getUpdatedIn);

    private static final BinaryMessageEncoder<Placement> ENCODER = Placement.getEncoder();
    private static final BinaryMessageDecoder<Placement> DECODER = Placement.getDecoder();

    private Placements() {
    }

    /** Every region that holds the tenant's data: the primary first, then its replicas. */
    public static List<String> holders(Placement p) {
        List<String> out = new ArrayList<>();
        out.add(p.getPrimaryRegion());
        p.getReplicas().stream().filter(r -> !r.equals(p.getPrimaryRegion())).forEach(out::add);
        return out;
    }

    public static boolean supersedes(Placement candidate, Placement current) {
        return current == null || ORDER.compare(candidate, current) > 0;
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
