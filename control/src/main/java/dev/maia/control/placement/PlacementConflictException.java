package dev.maia.control.placement;

import dev.maia.schemas.avro.Placement;

import java.util.Optional;

/** A placement change that did not take effect: another change of the same epoch came first in the control log. */
public final class PlacementConflictException extends Exception {
    private final transient Placement current;

    public PlacementConflictException(String tenant, long epoch, Placement current) {
        super("another change of tenant " + tenant + " replaced epoch " + (epoch - 1) + " first"
                + (current == null ? "" : "; epoch " + current.getEpoch() + " is in effect"));
        this.current = current;
    }

    /** The placement in effect when the losing change was read back. */
    public Optional<Placement> current() {
        return Optional.ofNullable(current);
    }
}
