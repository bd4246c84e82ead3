package dev.maia.apply;

import dev.maia.schemas.avro.Placement;
import dev.maia.schemas.avro.PlacementMode;
import dev.maia.schemas.wal.AvroClasses;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** Holding is answered per placement: a new placement of the tenant is a new answer. */
class TenantHoldingTest {
    static {
        AvroClasses.trust();
    }

    private static Placement placement(String primary, List<String> replicas, long epoch) {
        return Placement.newBuilder().setTenantId("acme").setPrimaryRegion(primary).setReplicas(replicas)
                .setMode(PlacementMode.replicated).setEpoch(epoch).setUpdatedIn(primary).setUpdatedAt(Instant.EPOCH).build();
    }

    @Test
    void aNewPlacementChangesTheAnswerAtOnce() {
        AtomicReference<Placement> current = new AtomicReference<>(placement("us-west", List.of("eu-central"), 1));
        TenantHolding holding = TenantHolding.byPlacement("eu-central", tenant -> Optional.ofNullable(current.get()));

        assertThat(holding.holds("acme")).isTrue();
        assertThat(holding.holds("acme")).isTrue();

        current.set(placement("us-west", List.of("ap-south"), 2));
        assertThat(holding.holds("acme")).isFalse();

        current.set(placement("us-west", List.of("eu-central"), 3));
        assertThat(holding.holds("acme")).isTrue();

        current.set(null); // not known (yet): held
        assertThat(holding.holds("acme")).isTrue();
    }
}
