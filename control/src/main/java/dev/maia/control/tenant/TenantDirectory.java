package dev.maia.control.tenant;

import dev.maia.schemas.avro.ApiKey;
import dev.maia.schemas.avro.Tenant;

import java.util.Optional;

/** The tenants and issued API keys in effect, as a region's authentication asks for them. */
public interface TenantDirectory {
    Optional<Tenant> tenant(String tenantId);

    /** An issued key by the SHA-256 (hex) of the raw key, revoked or not. */
    Optional<ApiKey> apiKey(String keySha256);

    /** No tenants, no keys: a region whose keys all come from its configuration file. */
    TenantDirectory NONE = new TenantDirectory() {
        @Override
        public Optional<Tenant> tenant(String tenantId) {
            return Optional.empty();
        }

        @Override
        public Optional<ApiKey> apiKey(String keySha256) {
            return Optional.empty();
        }
    };
}
