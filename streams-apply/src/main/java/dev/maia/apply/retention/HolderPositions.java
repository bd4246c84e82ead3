package dev.maia.apply.retention;

/**
 * What every region published as applied ({@code maia.positions}, as {@code PositionsView} tails them):
 * the highest offset of {@code origin}'s log of {@code tenant} that {@code holder} applied, -1 if none or
 * unknown.
 */
@FunctionalInterface
public interface HolderPositions {
    long applied(String holder, String origin, String tenant, int partition);
}
