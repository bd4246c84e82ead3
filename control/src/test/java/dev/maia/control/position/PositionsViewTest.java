package dev.maia.control.position;

import dev.maia.schemas.topology.KafkaSecurity;
import dev.maia.schemas.avro.Position;
import dev.maia.schemas.position.Positions;
import dev.maia.schemas.wal.PositionToken;
import dev.maia.schemas.wal.WalTopics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** A sync or semi-sync write counts a replica only if the replica applied it, not if it dead-lettered it. */
class PositionsViewTest {
    private final PositionsView view = new PositionsView("127.0.0.1:9", KafkaSecurity.plaintext(), "us-west");
    private long next;

    @AfterEach
    void close() {
        view.close();
    }

    private void published(String region, long offset, Long... deadLettered) {
        Position p = Position.newBuilder().setRegion(region).setOriginRegion("us-west").setTenantId("acme").setPartition(0)
                .setOffset(offset).setHlc(0).setTimestamp(Instant.EPOCH).setDeadLettered(List.of(deadLettered)).build();
        view.accept(new ConsumerRecord<>(region + "." + WalTopics.POSITIONS, 0, next++, Positions.key(p), Positions.encode(p)));
    }

    private Set<String> holding(long offset) throws InterruptedException {
        return view.await(Set.of("eu-central", "ap-tokyo"), 2, "us-west", "acme",
                List.of(new PositionToken("us-west", "acme", 0, offset)), 0);
    }

    @Test
    void aReplicaPastAWriteThatItDeadLetteredDoesNotHoldIt() throws Exception {
        published("eu-central", 12, 10L);
        published("ap-tokyo", 12);

        assertThat(holding(10)).containsExactly("ap-tokyo");
        assertThat(holding(11)).containsExactlyInAnyOrder("eu-central", "ap-tokyo");
    }

    @Test
    void aDeadLetteredOffsetStillDoesNotCountAfterTheReplicaRestartedAndPublishedWithoutIt() throws Exception {
        published("eu-central", 12, 10L);
        published("eu-central", 14); // restarted: its tracker no longer knows offset 10

        assertThat(holding(10)).doesNotContain("eu-central");
        assertThat(holding(14)).contains("eu-central");
    }

    @Test
    void everyEntryOfABatchMustBeHeldNotOnlyTheLast() throws Exception {
        published("eu-central", 12, 11L);
        published("ap-tokyo", 12);

        Set<String> have = view.await(Set.of("eu-central", "ap-tokyo"), 1, "us-west", "acme",
                List.of(new PositionToken("us-west", "acme", 0, 11), new PositionToken("us-west", "acme", 0, 12)), 0);

        assertThat(have).containsExactly("ap-tokyo");
    }

    @Test
    void aDeadLetteredOffsetIsKnownAsSuchSoThatADrainDoesNotWaitForIt() {
        published("eu-central", 8, 9L);

        assertThat(view.applied("eu-central", "us-west", "acme", 0)).isEqualTo(8);
        assertThat(view.deadLettered("eu-central", "us-west", "acme", 0, 9)).isTrue();
        assertThat(view.deadLettered("eu-central", "us-west", "acme", 0, 8)).isFalse();
        assertThat(view.deadLettered("ap-tokyo", "us-west", "acme", 0, 9)).isFalse();
    }
}
