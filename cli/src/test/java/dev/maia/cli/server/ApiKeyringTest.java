package dev.maia.cli.server;

import dev.maia.control.tenant.TenantDirectory;
import dev.maia.schemas.avro.ApiKey;
import dev.maia.schemas.avro.Tenant;
import dev.maia.schemas.avro.TenantStatus;
import dev.maia.schemas.tenant.ApiKeys;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Who a key authenticates: file keys, keys issued through the control log, and the tenant's status. */
class ApiKeyringTest {
    private final Map<String, Tenant> tenants = new HashMap<>();
    private final Map<String, ApiKey> keys = new HashMap<>();
    private final TenantDirectory directory = new TenantDirectory() {
        @Override
        public Optional<Tenant> tenant(String tenantId) {
            return Optional.ofNullable(tenants.get(tenantId));
        }

        @Override
        public Optional<ApiKey> apiKey(String keySha256) {
            return Optional.ofNullable(keys.get(keySha256));
        }
    };
    private final String fileKey = ApiKeys.newKey();
    private final ApiKeyring keyring = new ApiKeyring(Map.of("file-tenant", ApiKeys.sha256(fileKey)), null).withDirectory(directory);

    private String issue(String tenant, Instant expiresAt, Instant revokedAt) {
        String raw = ApiKeys.newKey();
        keys.put(ApiKeys.sha256(raw), ApiKey.newBuilder().setKeySha256(ApiKeys.sha256(raw)).setTenantId(tenant).setName("k")
                .setPrefix(raw.substring(0, 8)).setCreatedAt(Instant.now()).setExpiresAt(expiresAt).setRevokedAt(revokedAt)
                .setEpoch(revokedAt == null ? 1 : 2).build());
        return raw;
    }

    private void status(String tenant, TenantStatus status) {
        tenants.put(tenant, Tenant.newBuilder().setTenantId(tenant).setName(tenant).setStatus(status).setEpoch(1)
                .setCreatedAt(Instant.now()).setUpdatedAt(Instant.now()).build());
    }

    @Test
    void anIssuedKeyAuthenticatesItsTenantUntilRevokedOrExpired() {
        status("t", TenantStatus.active);
        String live = issue("t", null, null);
        String revoked = issue("t", null, Instant.now());
        String expired = issue("t", Instant.now().minus(1, ChronoUnit.MINUTES), null);
        String later = issue("t", Instant.now().plus(1, ChronoUnit.HOURS), null);
        assertThat(keyring.authenticate(live)).get().extracting(ApiKeyring.Principal::tenant).isEqualTo("t");
        assertThat(keyring.authenticate(later)).isPresent();
        assertThat(keyring.authenticate(revoked)).isEmpty();
        assertThat(keyring.authenticate(expired)).isEmpty();
        assertThat(keyring.authenticate(ApiKeys.sha256(live))).as("the hash is not the key").isEmpty();
    }

    @Test
    void aSuspendedTenantIsMarkedAndADeletedTenantsKeysIncludingFileKeysAuthenticateNoOne() {
        String issued = issue("t", null, null);
        status("t", TenantStatus.suspended);
        assertThat(keyring.authenticate(issued)).get().extracting(ApiKeyring.Principal::suspended).isEqualTo(true);
        status("t", TenantStatus.deleted);
        assertThat(keyring.authenticate(issued)).isEmpty();

        assertThat(keyring.authenticate(fileKey)).get().extracting(ApiKeyring.Principal::suspended).isEqualTo(false);
        status("file-tenant", TenantStatus.deleted);
        assertThat(keyring.authenticate(fileKey)).isEmpty();
        assertThat(keyring.configuredTenants()).containsExactly("file-tenant");
    }
}
