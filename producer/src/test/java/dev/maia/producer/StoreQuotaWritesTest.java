package dev.maia.producer;

import dev.maia.schemas.avro.Operation;
import dev.maia.schemas.http.ApiException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static dev.maia.producer.TestRegion.REGION;
import static dev.maia.producer.TestRegion.TENANT;
import static dev.maia.producer.TestRegion.details;
import static org.assertj.core.api.Assertions.assertThat;

/** A tenant at its store quota in its primary region: its growth is refused with 507, its deletes pass. */
class StoreQuotaWritesTest {
    private final TestRegion region = new TestRegion();

    @BeforeEach
    void placeAndWriteOne() throws Exception {
        region.placements.place(TENANT, REGION, 4);
        region.json("POST", "/v1/memories", "{\"id\":\"m1\",\"namespace\":\"ns\",\"content\":\"hello\"}", 201);
        region.state.atQuota(TENANT, 2_048, 2_000);
    }

    @Test
    void aCreateOfATenantAtItsQuotaIs507AndAppendsNothing() {
        int before = region.wal.entries().size();

        ApiException e = region.refusal("POST", "/v1/memories", "{\"namespace\":\"ns\",\"content\":\"more\"}");

        assertThat(e.status()).isEqualTo(507);
        assertThat(e.code()).isEqualTo("QUOTA_EXCEEDED");
        assertThat(details(e).get("quota_bytes").asLong()).isEqualTo(2_000);
        assertThat(details(e).get("stored_bytes").asLong()).isEqualTo(2_048);
        assertThat(region.wal.entries()).hasSize(before);
    }

    @Test
    void anUpdateAndABatchAreRefusedToo() {
        assertThat(region.refusal("PUT", "/v1/memories/m1", "{\"content\":\"longer and longer\"}").code()).isEqualTo("QUOTA_EXCEEDED");
        assertThat(region.refusal("POST", "/v1/memories/batch", "{\"memories\":[{\"namespace\":\"ns\",\"content\":\"a\"}]}").status())
                .isEqualTo(507);
    }

    @Test
    void aDeleteStillPassesSoThatTheTenantCanGetUnderItsQuota() throws Exception {
        assertThat(region.call("DELETE", "/v1/memories/m1", null).status()).isEqualTo(200);
        assertThat(region.wal.entries().get(region.wal.entries().size() - 1).getOperation()).isEqualTo(Operation.DELETE);
    }

    @Test
    void anotherTenantIsNotConcerned() throws Exception {
        region.placements.place("globex", REGION, 4);
        assertThat(region.routes.call("globex", "POST", "/v1/memories", "{\"namespace\":\"ns\",\"content\":\"hi\"}").status())
                .isEqualTo(201);
    }
}
