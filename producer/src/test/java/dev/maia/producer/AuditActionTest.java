package dev.maia.producer;

import dev.maia.producer.audit.AuditTrail;
import dev.maia.schemas.avro.ConflictStrategy;
import dev.maia.schemas.avro.DrainedOffset;
import dev.maia.schemas.avro.Migration;
import dev.maia.schemas.avro.Placement;
import dev.maia.schemas.avro.PlacementMode;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What an audit record calls a change, from the placement before and after it. */
class AuditActionTest {
    private static Placement placed(String primary, long epoch, Migration migration) {
        return Placement.newBuilder().setTenantId("acme").setMode(PlacementMode.single).setPrimaryRegion(primary)
                .setReplicas(List.of()).setEpoch(epoch).setUpdatedIn("us-west").setUpdatedAt(Instant.EPOCH)
                .setMinSyncReplicas(1).setConflictStrategy(ConflictStrategy.lww).setMigration(migration).build();
    }

    private static Migration to(String region, List<DrainedOffset> drained) {
        return Migration.newBuilder().setToRegion(region).setMode(PlacementMode.single).setReplicas(List.of())
                .setMinSyncReplicas(1).setStartedAt(Instant.EPOCH).setDrained(drained).build();
    }

    @Test
    void eachKindOfChangeHasItsAction() {
        Placement first = placed("us-west", 1, null);
        Placement starting = placed("us-west", 2, to("eu-central", null));
        Placement drained = placed("us-west", 3, to("eu-central", List.of(new DrainedOffset("us-west", 0, 7L))));
        assertThat(AuditTrail.action(null, first)).isEqualTo("placement.create");
        assertThat(AuditTrail.action(first, placed("us-west", 2, null))).isEqualTo("placement.change");
        assertThat(AuditTrail.action(first, starting)).isEqualTo("migration.start");
        assertThat(AuditTrail.action(starting, drained)).isEqualTo("migration.drained");
        assertThat(AuditTrail.action(drained, placed("eu-central", 4, null))).isEqualTo("migration.switch");
        assertThat(AuditTrail.action(starting, placed("us-west", 3, null))).isEqualTo("migration.abort");
        assertThat(AuditTrail.action(first, placed("ap-tokyo", 2, null))).isEqualTo("failover.forced");
    }
}
