package dev.maia.control.placement;

import dev.maia.schemas.avro.Candidacy;
import dev.maia.schemas.avro.DrainedOffset;
import dev.maia.schemas.avro.Lease;
import dev.maia.schemas.avro.Placement;
import dev.maia.schemas.avro.PlacementMode;
import dev.maia.schemas.placement.LeaseRecords;
import dev.maia.schemas.placement.Placements;
import dev.maia.schemas.tenant.ControlRecords;
import dev.maia.schemas.topology.KafkaSecurity;
import dev.maia.schemas.wal.AvroClasses;
import dev.maia.schemas.wal.WalTopics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rule that keeps two regions from leading one tenant: a failover takes effect only if the old primary
 * renewed no lease after the one the promoter saw lapse, decided from the log alone, as every reader does.
 */
class PlacementViewTest {
    static {
        AvroClasses.trust();
    }
    private static final List<String> REGIONS = List.of("a", "b", "c");
    private final PlacementView view = new PlacementView("127.0.0.1:9", KafkaSecurity.plaintext(), "b");
    private long next;

    @AfterEach
    void close() {
        view.close();
    }

    private long append(String kind, String key, byte[] value) {
        ConsumerRecord<String, byte[]> r = new ConsumerRecord<>(WalTopics.CONTROL, 0, next, key, value);
        r.headers().add(ControlRecords.KIND_HEADER, ControlRecords.kindHeader(kind));
        view.accept(r);
        return next++;
    }

    private long renewal(String region) {
        return append(ControlRecords.KIND_LEASE, LeaseRecords.leaseKey(region), LeaseRecords.encode(new Lease(region, Instant.EPOCH, 8000L)));
    }

    private void place(Placement p) {
        append(ControlRecords.KIND_PLACEMENT, p.getTenantId(), Placements.encode(p));
    }

    private static Placement replicatedInA() {
        return Placement.newBuilder().setTenantId("t").setMode(PlacementMode.replicated).setPrimaryRegion("a")
                .setReplicas(List.of("b", "c")).setEpoch(1).setUpdatedIn("a").setUpdatedAt(Instant.EPOCH).build();
    }

    @Test
    void aFailoverNamingTheOldPrimarysLastRenewalTakesEffect() {
        place(replicatedInA());
        renewal("a");
        long last = renewal("a");

        place(Placements.failedOver(replicatedInA(), "b", REGIONS, last, List.of(new DrainedOffset("a", 0, 4L)), false, "b"));

        Placement now = view.get("t").orElseThrow();
        assertThat(now.getPrimaryRegion()).isEqualTo("b");
        assertThat(now.getEpoch()).isEqualTo(2);
        assertThat(now.getReplicas()).containsExactly("a", "c");
        assertThat(view.leases().lastOffset("a")).isEqualTo(last);
    }

    @Test
    void aFailoverIsIgnoredWhenTheOldPrimaryRenewedAfterTheRenewalItNames() {
        place(replicatedInA());
        long seenLapse = renewal("a");
        renewal("a"); // the promoter had not read this one: a was still leading

        place(Placements.failedOver(replicatedInA(), "b", REGIONS, seenLapse, List.of(), false, "b"));

        assertThat(view.get("t").orElseThrow().getPrimaryRegion()).isEqualTo("a");
        assertThat(view.get("t").orElseThrow().getEpoch()).isEqualTo(1);
    }

    @Test
    void aLaterChangeCarryingTheFailoverIsNotCheckedAgainstLeasesAgain() {
        place(replicatedInA());
        long last = renewal("a");
        Placement failedOver = Placements.failedOver(replicatedInA(), "b", REGIONS, last, List.of(), false, "b");
        place(failedOver);
        renewal("a"); // a is back and renews

        place(Placements.successor(failedOver, "b").setMinSyncReplicas(2).build());

        assertThat(view.get("t").orElseThrow().getEpoch()).isEqualTo(3);
        assertThat(view.get("t").orElseThrow().getFailover().getFromRegion()).isEqualTo("a");
    }

    @Test
    void candidaciesCountOnlyForTheEpochInEffectAndAChangeVoidsThem() {
        place(replicatedInA());
        append(ControlRecords.KIND_CANDIDACY, LeaseRecords.candidacyKey("t"), LeaseRecords.encode(new Candidacy("t", 1L, "b", List.of())));
        append(ControlRecords.KIND_CANDIDACY, LeaseRecords.candidacyKey("t"), LeaseRecords.encode(new Candidacy("t", 0L, "c", List.of())));
        assertThat(view.candidacies("t")).containsOnlyKeys("b");

        place(Placements.successor(replicatedInA(), "a").build());

        assertThat(view.candidacies("t")).isEmpty();
    }
}
