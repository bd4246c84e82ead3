package dev.maia.apply.store;

/**
 * An entry that would grow a tenant already at its store quota: it goes to the DLQ (reason
 * {@code quota_exceeded}) and every other tenant keeps applying, where a full store would stop them all.
 */
public class TenantQuotaExceededException extends RuntimeException {
    public TenantQuotaExceededException(String message) {
        super(message);
    }
}
