package dev.maia.producer;

import dev.maia.schemas.avro.Candidacy;
import dev.maia.schemas.avro.DrainedOffset;
import dev.maia.schemas.avro.Placement;
import dev.maia.schemas.avro.PlacementMode;
import dev.maia.schemas.avro.SyncMode;
import dev.maia.schemas.wal.AvroClasses;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class FailoverElectionTest {
    static {
        AvroClasses.trust();
    }

    private static Placement placement(int minSyncReplicas, String... replicas) {
        return Placement.newBuilder().setTenantId("t").setMode(PlacementMode.replicated).setPrimaryRegion("a")
                .setReplicas(List.of(replicas)).setEpoch(3).setUpdatedIn("a").setUpdatedAt(Instant.EPOCH)
                .setMinSyncReplicas(minSyncReplicas).build();
    }

    /** {@code offsets[i]} is the offset applied of partition i of a's log; -1 leaves the partition out. */
    private static Candidacy candidacy(String region, long... offsets) {
        List<DrainedOffset> applied = new ArrayList<>();
        for (int i = 0; i < offsets.length; i++) {
            if (offsets[i] >= 0) {
                applied.add(new DrainedOffset("a", i, offsets[i]));
            }
        }
        return new Candidacy("t", 3L, region, applied);
    }

    @Test
    void theMostCaughtUpReplicaIsElectedAndOfEqualsTheFirstByName() {
        assertThat(FailoverElection.decide(placement(1, "b", "c"), SyncMode.async,
                List.of(candidacy("b", 4, 9), candidacy("c", 7, 9)))).isEqualTo(new FailoverElection.Elected("c"));
        assertThat(FailoverElection.decide(placement(1, "b", "c"), SyncMode.sync,
                List.of(candidacy("c", 7, 9), candidacy("b", 7, 9)))).isEqualTo(new FailoverElection.Elected("b"));
    }

    @Test
    void aPartitionAReplicaHasNothingOfCountsAsBehind() {
        assertThat(FailoverElection.decide(placement(1, "b", "c"), SyncMode.semi_sync,
                List.of(candidacy("b", 5, -1), candidacy("c", 5, 0)))).isEqualTo(new FailoverElection.Elected("c"));
    }

    @Test
    void aSemiSyncTenantWithTooFewReplicasStandingStaysUnwritable() {
        // Two replicas, one needed: an acknowledged write may be only in c, which is gone.
        FailoverElection.Outcome outcome = FailoverElection.decide(placement(1, "b", "c"), SyncMode.semi_sync,
                List.of(candidacy("b", 9, 9)));
        assertThat(outcome).isInstanceOf(FailoverElection.Blocked.class);
        assertThat(((FailoverElection.Blocked) outcome).reason()).contains("1 of the 2 replicas");
        // Both needed (min_sync_replicas 2): every acknowledged write is in b as well.
        assertThat(FailoverElection.decide(placement(2, "b", "c"), SyncMode.semi_sync, List.of(candidacy("b", 9, 9))))
                .isEqualTo(new FailoverElection.Elected("b"));
        // Sync: every replica had every acknowledged write, so one standing is enough.
        assertThat(FailoverElection.decide(placement(1, "b", "c"), SyncMode.sync, List.of(candidacy("c", 2, 2))))
                .isEqualTo(new FailoverElection.Elected("c"));
    }

    @Test
    void whenNoReplicaIsAheadOnEveryPartitionASyncTenantWaitsAndAnAsyncOneTakesTheMost() {
        List<Candidacy> crossed = List.of(candidacy("b", 9, 1), candidacy("c", 1, 5));
        assertThat(FailoverElection.decide(placement(1, "b", "c"), SyncMode.semi_sync, crossed))
                .isInstanceOf(FailoverElection.Blocked.class);
        assertThat(FailoverElection.decide(placement(1, "b", "c"), SyncMode.async, crossed))
                .isEqualTo(new FailoverElection.Elected("b"));
    }

    @Test
    void nobodyStandingElectsNobody() {
        assertThat(FailoverElection.decide(placement(1, "b"), SyncMode.async, List.of()))
                .isInstanceOf(FailoverElection.Blocked.class);
    }
}
