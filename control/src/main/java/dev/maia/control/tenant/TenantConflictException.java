package dev.maia.control.tenant;

/** A change of a tenant or key that did not take effect: another change of the same epoch came first in the control log. */
public final class TenantConflictException extends Exception {
    public TenantConflictException(String what, long epoch) {
        super("another change of " + what + " replaced epoch " + (epoch - 1) + " first");
    }
}
