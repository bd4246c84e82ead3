package dev.maia.schemas.wal.crypt;

import dev.maia.schemas.http.ApiException;

import java.util.Map;

/**
 * A write of a tenant that the region's WAL keyring has no key for (neither its own nor a default).
 * Refused rather than written in plaintext: the operator asked for an encrypted WAL. A 503, since the
 * client can do nothing about it and the region can, once a key is configured.
 */
public final class MissingKeyException extends ApiException {
    public MissingKeyException(String tenantId) {
        super(503, "NO_WAL_KEY", "this region encrypts its WAL and has no key for tenant " + tenantId
                + " (wal_keyring_file: add tenant." + tenantId + " or a default)", Map.of("tenant", tenantId));
    }
}
