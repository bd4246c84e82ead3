package dev.maia.producer;

import dev.maia.schemas.avro.ConflictStrategy;
import dev.maia.schemas.avro.Migration;
import dev.maia.schemas.avro.Placement;
import dev.maia.schemas.avro.PlacementMode;
import dev.maia.schemas.avro.WALEntry;
import dev.maia.schemas.wal.PositionToken;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

class PrimaryLogProvisionerTest {

    /** Records what it was asked to ensure; a tenant in {@code broken} fails as an unreachable broker would. */
    private static final class RecordingLogs implements WalLog {
        final List<String> ensured = new ArrayList<>();
        final Set<String> broken = new HashSet<>();

        @Override
        public void ensureLog(String tenantId) {
            if (broken.contains(tenantId)) {
                throw new IllegalStateException("the leaders of maia.wal." + tenantId + " were not ready within 30 s");
            }
            ensured.add(tenantId);
        }

        @Override
        public CompletableFuture<PositionToken> append(WALEntry entry) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<PositionToken> appendAll(List<WALEntry> entries) {
            throw new UnsupportedOperationException();
        }
    }

    private static Placement placement(String tenant, String primary, String migratingTo) {
        Placement.Builder p = Placement.newBuilder().setTenantId(tenant).setPrimaryRegion(primary)
                .setReplicas(List.of()).setMode(PlacementMode.global).setEpoch(1).setUpdatedIn(primary)
                .setUpdatedAt(Instant.EPOCH).setMinSyncReplicas(1).setConflictStrategy(ConflictStrategy.lww);
        if (migratingTo != null) {
            p.setMigration(Migration.newBuilder().setToRegion(migratingTo).setMode(PlacementMode.global)
                    .setReplicas(List.of()).setMinSyncReplicas(1).setStartedAt(Instant.EPOCH).build());
        }
        return p.build();
    }

    @Test
    void createsTheLogsOfTheTenantsThisRegionLeadsOrIsAboutToLeadUnlessDeleted() {
        RecordingLogs logs = new RecordingLogs();
        List<Placement> placements = List.of(placement("led-here", "us-west", null),
                placement("led-elsewhere", "eu-central", null),
                placement("moving-here", "eu-central", "us-west"),
                placement("moving-away", "us-west", "ap-tokyo"),
                placement("deleted", "us-west", null));

        new PrimaryLogProvisioner("us-west", () -> placements, "deleted"::equals, logs).run();

        assertThat(logs.ensured).containsExactlyInAnyOrder("led-here", "moving-here", "moving-away");
    }

    @Test
    void aLogThatCannotBeCreatedIsTriedAgainNextRoundAndDoesNotStopTheOthers() {
        RecordingLogs logs = new RecordingLogs();
        logs.broken.add("a");
        List<Placement> placements = List.of(placement("a", "us-west", null), placement("b", "us-west", null));
        PrimaryLogProvisioner provisioner = new PrimaryLogProvisioner("us-west", () -> placements, t -> false, logs);

        provisioner.run();
        assertThat(logs.ensured).containsExactly("b");

        logs.broken.clear();
        provisioner.run();
        assertThat(logs.ensured).containsExactly("b", "a", "b");
    }
}
