package dev.maia.schemas.placement;

import dev.maia.schemas.avro.DrainedOffset;
import dev.maia.schemas.avro.Migration;
import dev.maia.schemas.avro.Placement;
import dev.maia.schemas.avro.PlacementMode;
import dev.maia.schemas.wal.AvroClasses;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PlacementsTest {
    static {
        AvroClasses.trust();
    }

    private static Placement placement(String primary, long epoch, String... replicas) {
        return Placement.newBuilder().setTenantId("t").setPrimaryRegion(primary).setReplicas(List.of(replicas))
                .setMode(replicas.length == 0 ? PlacementMode.single : PlacementMode.replicated).setEpoch(epoch)
                .setUpdatedIn(primary).setUpdatedAt(Instant.EPOCH).build();
    }

    @Test
    void aChangeTakesEffectOnlyAsTheSuccessorOfTheEpochInEffect() {
        assertThat(Placements.follows(placement("a", 1), null)).isTrue();
        assertThat(Placements.follows(placement("a", 2), null)).as("skips epoch 1").isFalse();
        Placement current = placement("a", 3);
        assertThat(Placements.follows(placement("b", 4), current)).isTrue();
        assertThat(Placements.follows(placement("b", 3), current)).as("same epoch: came second").isFalse();
        assertThat(Placements.follows(placement("b", 5), current)).isFalse();
        assertThat(Placements.follows(placement("b", 2), current)).isFalse();
    }

    /** Every reader folds the log the same way, so two changes of one epoch leave the first everywhere. */
    @Test
    void foldingALogWithTwoChangesOfOneEpochKeepsTheFirst() {
        List<Placement> log = List.of(placement("a", 1), placement("b", 2), placement("c", 2), placement("c", 3, "a"));
        Placement inEffect = null;
        List<Placement> applied = new ArrayList<>();
        for (Placement p : log) {
            if (Placements.follows(p, inEffect)) {
                inEffect = p;
                applied.add(p);
            }
        }
        assertThat(applied).extracting(Placement::getPrimaryRegion).containsExactly("a", "b", "c");
        assertThat(inEffect.getEpoch()).isEqualTo(3);
    }

    @Test
    void aMigrationAddsItsTargetToTheHoldersAndSwitchesToItsTargetPlacement() throws Exception {
        Placement p = placement("a", 1, "b");
        Placement migrating = Placements.successor(p, "a").setMigration(Migration.newBuilder().setToRegion("c")
                .setMode(PlacementMode.replicated).setReplicas(List.of("a", "b")).setStartedAt(Instant.EPOCH)
                .setDrained(List.of(new DrainedOffset("a", 0, 41L))).build()).build();
        assertThat(migrating.getEpoch()).isEqualTo(2);
        assertThat(Placements.holders(migrating)).containsExactly("a", "b", "c");

        Placement switched = Placements.switched(migrating, "c");
        assertThat(switched.getEpoch()).isEqualTo(3);
        assertThat(switched.getPrimaryRegion()).isEqualTo("c");
        assertThat(switched.getReplicas()).containsExactly("a", "b");
        assertThat(switched.getMigration()).isNull();
        assertThat(switched.getUpdatedIn()).isEqualTo("c");
        assertThat(Placements.decode(Placements.encode(migrating))).isEqualTo(migrating);
    }

    @Test
    void aPlacementWrittenBeforeFailoversExistedIsReadWithoutOne() throws Exception {
        org.apache.avro.Schema v1;
        try (java.io.InputStream in = Placements.class.getResourceAsStream("/dev/maia/schemas/avro-history/Placement-v1.avsc")) {
            v1 = new org.apache.avro.Schema.Parser().parse(in);
        }
        org.apache.avro.generic.GenericRecord old = new org.apache.avro.generic.GenericData.Record(v1);
        old.put("tenant_id", "acme");
        old.put("primary_region", "us-west");
        old.put("replicas", List.of("eu-central"));
        old.put("mode", new org.apache.avro.generic.GenericData.EnumSymbol(v1.getField("mode").schema(), "replicated"));
        old.put("epoch", 4L);
        old.put("updated_in", "us-west");
        old.put("updated_at", 5L);
        old.put("sync_mode", null);
        old.put("min_sync_replicas", 1);
        old.put("conflict_strategy", new org.apache.avro.generic.GenericData.EnumSymbol(v1.getField("conflict_strategy").schema(), "lww"));
        old.put("migration", null);
        byte[] bytes = new org.apache.avro.message.BinaryMessageEncoder<org.apache.avro.generic.GenericRecord>(
                org.apache.avro.generic.GenericData.get(), v1).encode(old).array();

        Placement read = Placements.decode(bytes);

        assertThat(read.getEpoch()).isEqualTo(4);
        assertThat(read.getReplicas()).containsExactly("eu-central");
        assertThat(read.getFailover()).isNull();
    }
}
