package dev.maia.mirror;

import dev.maia.schemas.avro.Placement;
import dev.maia.schemas.avro.PlacementMode;
import dev.maia.schemas.wal.AvroClasses;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The filter's decision with a fake placement source: no Kafka. */
class PlacementTopicRuleTest {

    private static final String US = "us-west";
    private static final String EU = "eu-central";
    private static final String AP = "ap-tokyo";

    static {
        AvroClasses.trust();
    }

    /** A placement source backed by a map; {@code loaded} can be turned off. */
    private static final class FakePlacements implements PlacementTopicRule.PlacementSource {
        final Map<String, Placement> byTenant = new HashMap<>();
        boolean loaded = true;

        FakePlacements with(String tenant, PlacementMode mode, String primary, String... replicas) {
            byTenant.put(tenant, newPlacement(tenant, mode, primary, List.of(replicas), 1));
            return this;
        }

        @Override
        public boolean loaded() {
            return loaded;
        }

        @Override
        public Optional<Placement> placement(String tenantId) {
            return Optional.ofNullable(byTenant.get(tenantId));
        }
    }

    static Placement newPlacement(String tenant, PlacementMode mode, String primary, List<String> replicas, long epoch) {
        return Placement.newBuilder().setTenantId(tenant).setPrimaryRegion(primary).setReplicas(replicas)
                .setMode(mode).setEpoch(epoch).setUpdatedIn(primary).setUpdatedAt(Instant.EPOCH).build();
    }

    private static boolean flows(String topic, String source, String target, FakePlacements p) {
        return PlacementTopicRule.decide(topic, source, target, p).replicate();
    }

    @Test
    void singleTenantNeverLeavesItsRegion() {
        FakePlacements p = new FakePlacements().with("t1", PlacementMode.single, EU);
        assertThat(flows("maia.wal.t1", EU, US, p)).isFalse();
        assertThat(flows("maia.wal.t1", EU, AP, p)).isFalse();
        assertThat(PlacementTopicRule.decide("maia.wal.t1", EU, US, p).reason()).contains("does not hold");
    }

    @Test
    void replicatedTenantFlowsToItsReplicasOnly() {
        FakePlacements p = new FakePlacements().with("r", PlacementMode.replicated, US, EU);
        assertThat(flows("maia.wal.r", US, EU, p)).isTrue();
        assertThat(flows("maia.wal.r", US, AP, p)).isFalse();
    }

    @Test
    void globalTenantFlowsEverywhere() {
        FakePlacements p = new FakePlacements().with("g", PlacementMode.global, AP, EU, US);
        assertThat(flows("maia.wal.g", AP, US, p)).isTrue();
        assertThat(flows("maia.wal.g", AP, EU, p)).isTrue();
    }

    @Test
    void aFormerPrimarysLogStillFlowsToEveryCurrentHolder() {
        // Moved from us-west to eu-central, replica ap-tokyo: us-west's old log still holds history.
        FakePlacements p = new FakePlacements().with("m", PlacementMode.replicated, EU, AP);
        assertThat(flows("maia.wal.m", US, EU, p)).isTrue();
        assertThat(flows("maia.wal.m", US, AP, p)).isTrue();
        // The new primary's log flows to the replica, never back to a region that no longer holds it.
        assertThat(flows("maia.wal.m", EU, AP, p)).isTrue();
        assertThat(flows("maia.wal.m", EU, US, p)).isFalse();
    }

    @Test
    void unknownTenantOrPlacementsNotLoadedFailClosed() {
        FakePlacements p = new FakePlacements().with("g", PlacementMode.global, US, EU, AP);
        assertThat(flows("maia.wal.unknown", US, EU, p)).isFalse();
        assertThat(PlacementTopicRule.decide("maia.wal.unknown", US, EU, p).reason()).contains("no placement");
        p.loaded = false;
        assertThat(flows("maia.wal.g", US, EU, p)).isFalse();
        assertThat(PlacementTopicRule.decide("maia.wal.g", US, EU, p).reason()).contains("not loaded");
        // Positions do not depend on placements.
        assertThat(flows("maia.positions", US, EU, p)).isTrue();
    }

    @Test
    void positionsAlwaysFlowOtherTopicsNever() {
        FakePlacements p = new FakePlacements().with("g", PlacementMode.global, US, EU, AP);
        assertThat(flows("maia.positions", AP, US, p)).isTrue();
        assertThat(flows("maia.control", US, EU, p)).as("placements are read from the control cluster").isFalse();

        assertThat(flows("eu-central.maia.wal.g", US, AP, p)).as("a copy is never re-mirrored").isFalse();
        assertThat(flows("us-west.maia.wal.g", US, EU, p)).isFalse();
        assertThat(flows("eu-central.maia.positions", US, AP, p)).isFalse();
        assertThat(flows("maia.dlq", US, EU, p)).isFalse();
        assertThat(flows("maia.conflicts", US, EU, p)).isFalse();
        assertThat(flows("heartbeats", US, EU, p)).isFalse();
        assertThat(flows("maia.wal.", US, EU, p)).isFalse();
        assertThat(flows("maia.wal.bad.name", US, EU, p)).isFalse();
        assertThat(flows("maia.walXg", US, EU, p)).isFalse();
        assertThat(flows(null, US, EU, p)).isFalse();
        // Never to itself.
        assertThat(flows("maia.wal.g", US, US, p)).isFalse();
    }
}
