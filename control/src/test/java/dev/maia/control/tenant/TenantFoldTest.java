package dev.maia.control.tenant;

import dev.maia.schemas.avro.ApiKey;
import dev.maia.schemas.avro.Tenant;
import dev.maia.schemas.avro.TenantStatus;
import dev.maia.schemas.tenant.ControlRecords;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The fold every region applies to the control log's tenant and key records, without Kafka. */
class TenantFoldTest {
    private final TenantFold fold = new TenantFold();

    private static Tenant tenant(String id, long epoch, TenantStatus status, String name) {
        return Tenant.newBuilder().setTenantId(id).setName(name).setStatus(status).setPlan("").setMetadata(Map.of())
                .setEpoch(epoch).setCreatedAt(Instant.ofEpochMilli(1)).setUpdatedAt(Instant.ofEpochMilli(epoch))
                .setUpdatedIn("us-west").build();
    }

    private static ApiKey key(String hash, String tenant, long epoch, Instant revokedAt) {
        return ApiKey.newBuilder().setKeySha256(hash).setTenantId(tenant).setName("k").setPrefix("mk_abcde")
                .setCreatedAt(Instant.ofEpochMilli(1)).setExpiresAt(null).setRevokedAt(revokedAt).setEpoch(epoch).build();
    }

    private boolean accept(Tenant t) {
        return fold.accept(ControlRecords.KIND_TENANT, ControlRecords.encode(t));
    }

    private boolean accept(ApiKey k) {
        return fold.accept(ControlRecords.KIND_APIKEY, ControlRecords.encode(k));
    }

    @Test
    void ofTwoChangesOfOneEpochTheFirstInTheLogWins() {
        assertThat(accept(tenant("a", 1, TenantStatus.active, "first"))).isTrue();
        assertThat(accept(tenant("a", 2, TenantStatus.suspended, "suspended in us-west"))).isTrue();
        assertThat(accept(tenant("a", 2, TenantStatus.active, "renamed in eu-central"))).isFalse();
        assertThat(fold.tenant("a")).get().extracting(Tenant::getStatus).isEqualTo(TenantStatus.suspended);
        assertThat(fold.tenant("a").get().getName()).isEqualTo("suspended in us-west");
    }

    @Test
    void aChangeThatSkipsAnEpochOrCreatesTwiceIsIgnored() {
        assertThat(accept(tenant("a", 2, TenantStatus.active, "skips"))).isFalse();
        assertThat(fold.tenant("a")).isEmpty();
        assertThat(accept(tenant("a", 1, TenantStatus.active, "one"))).isTrue();
        assertThat(accept(tenant("a", 1, TenantStatus.active, "again"))).isFalse();
        assertThat(fold.tenant("a").get().getName()).isEqualTo("one");
    }

    @Test
    void aKeyIsRevokedOnceAndNeverMovesToAnotherTenant() {
        String hash = "a".repeat(64);
        assertThat(accept(key(hash, "t1", 1, null))).isTrue();
        assertThat(accept(key(hash, "t2", 2, null))).as("a key cannot change tenant").isFalse();
        assertThat(accept(key(hash, "t1", 2, Instant.ofEpochMilli(5)))).isTrue();
        assertThat(accept(key(hash, "t1", 2, null))).as("a second change of epoch 1 loses").isFalse();
        assertThat(fold.apiKey(hash).get().getRevokedAt()).isEqualTo(Instant.ofEpochMilli(5));
        assertThat(fold.keysOf("t1")).hasSize(1);
        assertThat(fold.keysOf("t2")).isEmpty();
    }

    @Test
    void placementsAndUnreadableRecordsAreNotTheFolds() {
        assertThat(fold.accept(ControlRecords.KIND_PLACEMENT, new byte[] {1, 2, 3})).isFalse();
        assertThat(fold.accept(ControlRecords.KIND_TENANT, new byte[] {1, 2, 3})).isFalse();
        assertThat(fold.tenants()).isEmpty();
    }
}
