package dev.maia.mirror;

import dev.maia.schemas.avro.Placement;
import dev.maia.schemas.placement.Placements;
import dev.maia.schemas.wal.WalTopics;

import java.util.Objects;
import java.util.Optional;

/**
 * The decision of {@link PlacementTopicFilter}, free of Kafka so it can be tested on its own: does topic
 * {@code topic} of region {@code source} flow to region {@code target}?
 *
 * <ul>
 *   <li>{@code maia.positions} (the local, unprefixed one): always. Placements do not travel by MM2: every
 *       region reads them from the control log.</li>
 *   <li>{@code maia.wal.<T>} (the tenant's log written in {@code source}): exactly when the target holds the
 *       tenant, {@code target ∈ Placements.holders(placement(T))}, and {@code target ≠ source}. The source
 *       need not be the primary: after a primary move the tenant's history is split between the old and
 *       new primary's logs, and every holder needs all of it.</li>
 *   <li>A tenant whose placement is not known (yet), or placements not loaded yet: no (data locality
 *       first; MM2 asks again at its next topic refresh).</li>
 *   <li>Anything else, including a copy {@code <r>.maia.wal.<T>}: no, a copy is never mirrored onward.</li>
 * </ul>
 */
public final class PlacementTopicRule {

    /** Where the rule reads placements; {@link #loaded()} is false until every placement known now was read. */
    public interface PlacementSource {
        boolean loaded();

        Optional<Placement> placement(String tenantId);
    }

    /** The answer and why, for logs. */
    public record Decision(boolean replicate, String reason) {
        static Decision yes(String reason) {
            return new Decision(true, reason);
        }

        static Decision no(String reason) {
            return new Decision(false, reason);
        }
    }

    private PlacementTopicRule() {
    }

    public static Decision decide(String topic, String source, String target, PlacementSource placements) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(target, "target");
        if (topic == null) {
            return Decision.no("no topic name");
        }
        if (topic.equals(WalTopics.POSITIONS)) {
            return Decision.yes("positions flow between all regions");
        }
        Optional<String> tenant = localWalTenant(topic);
        if (tenant.isEmpty()) {
            return Decision.no("not a local WAL or positions topic");
        }
        if (source.equals(target)) {
            return Decision.no("source and target are the same region");
        }
        if (!placements.loaded()) {
            return Decision.no("placements not loaded yet (fail closed)");
        }
        Optional<Placement> p = placements.placement(tenant.get());
        if (p.isEmpty()) {
            return Decision.no("no placement known for tenant " + tenant.get() + " (data locality first)");
        }
        Placement placement = p.get();
        String what = placement.getMode() + " placement epoch " + placement.getEpoch() + ", holders "
                + Placements.holders(placement);
        return Placements.holders(placement).contains(target)
                ? Decision.yes(target + " holds tenant " + tenant.get() + " (" + what + ")")
                : Decision.no(target + " does not hold tenant " + tenant.get() + " (" + what + ")");
    }

    /** The tenant of a local (unprefixed) WAL topic {@code maia.wal.<T>}; empty for anything else. */
    static Optional<String> localWalTenant(String topic) {
        if (!topic.startsWith(WalTopics.WAL_PREFIX)) {
            return Optional.empty();
        }
        String tenant = topic.substring(WalTopics.WAL_PREFIX.length());
        return WalTopics.isValidTenantId(tenant) ? Optional.of(tenant) : Optional.empty();
    }
}
