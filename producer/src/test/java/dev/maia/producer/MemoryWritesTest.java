package dev.maia.producer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maia.schemas.avro.ConflictStrategy;
import dev.maia.schemas.avro.Memory;
import dev.maia.schemas.avro.Migration;
import dev.maia.schemas.avro.Operation;
import dev.maia.schemas.avro.PlacementMode;
import dev.maia.schemas.avro.ResourceType;
import dev.maia.schemas.avro.SyncMode;
import dev.maia.schemas.avro.WALEntry;
import dev.maia.schemas.http.ApiException;
import dev.maia.schemas.http.HttpResponse;
import dev.maia.schemas.placement.Placements;
import dev.maia.schemas.wal.HybridLogicalClock;
import dev.maia.schemas.wal.WalAncestry;
import dev.maia.schemas.wal.WalEntries;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static dev.maia.producer.TestRegion.NOW_MS;
import static dev.maia.producer.TestRegion.REGION;
import static dev.maia.producer.TestRegion.TENANT;
import static dev.maia.producer.TestRegion.details;
import static org.assertj.core.api.Assertions.assertThat;
import java.util.Map;

/** The memory write routes on an in-memory WAL: what a client sees, and what reached the log. */
class MemoryWritesTest {
    private static final String M1 = "{\"id\":\"m1\",\"namespace\":\"ns\",\"content\":\"hello\","
            + "\"tags\":[\"a\",\"b\"],\"metadata\":{\"k\":\"v\"},\"confidence\":0.5}";

    /** A write of each kind once m1 exists: a create with a client-chosen id, an update, a delete. */
    private static final List<Call> EACH_WRITE = List.of(
            new Call("POST", "/v1/memories", M1.replace("m1", "m2")),
            new Call("PUT", "/v1/memories/m1", "{\"content\":\"x\"}"),
            new Call("DELETE", "/v1/memories/m1", null));

    private record Call(String method, String path, String body) {
    }

    private final TestRegion region = new TestRegion();

    private ApiException refusal(Call call) {
        return region.refusal(call.method(), call.path(), call.body());
    }

    @Test
    void aCreateIsOneAppendAnsweredWithTheMemoryAndItsPosition() throws Exception {
        region.placements.place(TENANT, REGION, 4);
        HttpResponse response = region.call("POST", "/v1/memories", "{\"namespace\":\"ns\",\"content\":\"hello\"}");

        assertThat(response.status()).isEqualTo(201);
        assertThat(region.wal.entries()).hasSize(1);
        WALEntry entry = region.wal.entries().get(0);
        assertThat(entry.getOperation()).isEqualTo(Operation.CREATE);
        assertThat(entry.getResourceType()).isEqualTo(ResourceType.memory);
        assertThat(entry.getTenantId()).isEqualTo(TENANT);
        assertThat(entry.getNamespace()).isEqualTo("ns");
        assertThat(entry.getOriginRegion()).isEqualTo(REGION);
        assertThat(entry.getPlacementEpoch()).isEqualTo(4);
        assertThat(HybridLogicalClock.millis(entry.getHlc())).isEqualTo(NOW_MS);

        JsonNode body = TestRegion.body(response);
        assertThat(body.get("id").asText()).isEqualTo(entry.getResourceId()).hasSize(26);
        assertThat(body.get("content").asText()).isEqualTo("hello");
        assertThat(body.get("type").asText()).isEqualTo("semantic");
        assertThat(body.get("source").asText()).isEqualTo("user");
        JsonNode position = body.get("position");
        assertThat(position.get("region").asText()).isEqualTo(REGION);
        assertThat(position.get("offset").asLong()).isZero();
        assertThat(body.has("replication")).isFalse();
        assertThat(response.headers()).containsEntry("X-MAIA-Position", REGION + ":" + position.get("partition").asInt() + ":0");
    }

    @Test
    void everyWriteSaysWhatItWasBuiltOnAndCarriesTheTenantsConflictStrategy() throws Exception {
        region.placements.place(TENANT, REGION, 1);
        region.placements.strategy(TENANT, ConflictStrategy.merge);
        region.json("POST", "/v1/memories", M1, 201);
        region.json("PUT", "/v1/memories/m1", "{\"content\":\"v2\"}", 200);
        region.json("PUT", "/v1/memories/m1", "{\"content\":\"v3\"}", 200);
        region.call("DELETE", "/v1/memories/m1", null);
        region.json("POST", "/v1/memories", M1, 201);

        List<WALEntry> log = region.wal.entries();
        assertThat(log).hasSize(5).allSatisfy(e -> assertThat(e.getConflictStrategy()).isEqualTo(ConflictStrategy.merge));
        assertThat(log.get(0).getBasedOn()).as("the create of an id never seen").isNull();
        assertThat(log.get(1).getBasedOn()).isEqualTo(log.get(0).getId());
        assertThat(log.get(2).getBasedOn()).isEqualTo(log.get(1).getId());
        assertThat(log.get(2).getSeen()).as("the clock of the latest entry of each origin it descends from")
                .containsExactlyEntriesOf(Map.of(REGION, log.get(1).getHlc()));
        assertThat(WalAncestry.isAncestor(log.get(0), log.get(2))).isTrue();
        assertThat(log.get(3).getBasedOn()).isEqualTo(log.get(2).getId());
        assertThat(log.get(4).getBasedOn()).as("a create after a delete is built on the tombstone").isEqualTo(log.get(3).getId());
    }

    @Test
    void aTenantsFirstCreateGivesItTheDefaultPlacementHere() throws Exception {
        region.json("POST", "/v1/memories", M1, 201);

        assertThat(region.placements.defaulted()).containsExactly(TENANT);
        assertThat(region.wal.entries().get(0).getPlacementEpoch()).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0} is refused on field {1}")
    @CsvSource(delimiter = '|', value = {
            "{\"namespace\":\"ns\"}                                       | content",
            "{\"namespace\":\"ns\",\"content\":\"  \"}                    | content",
            "{\"content\":\"c\"}                                          | namespace",
            "{\"namespace\":\"ns\",\"content\":\"c\",\"confidence\":1.5}  | confidence",
            "{\"namespace\":\"ns\",\"content\":\"c\",\"type\":\"dreamy\"} | type",
            "{\"namespace\":\"ns\",\"content\":\"c\",\"tags\":\"a\"}      | tags",
            "{\"id\":\"has space\",\"namespace\":\"ns\",\"content\":\"c\"} | id",
            "{\"id\":7,\"namespace\":\"ns\",\"content\":\"c\"}            | id",
            "{\"namespace\":                                              | body",
            "[1,2]                                                        | body"})
    void anInvalidCreateIs400OnItsFieldAndNothingIsWrittenOrPlaced(String body, String field) {
        ApiException e = region.refusal("POST", "/v1/memories", body);

        assertThat(e.status()).isEqualTo(400);
        assertThat(e.code()).isEqualTo("INVALID_INPUT");
        assertThat(details(e).get("field").asText()).isEqualTo(field);
        assertThat(region.wal.entries()).isEmpty();
        assertThat(region.placements.defaulted()).isEmpty();
    }

    @Test
    void anInvalidCreateInAnotherRegionsTenantIs400NotARedirect() {
        region.placements.place(TENANT, "eu-central", 2);

        assertThat(region.refusal("POST", "/v1/memories", "{\"namespace\":\"ns\"}").status()).isEqualTo(400);
    }

    @Test
    void everyWriteOfATenantWhosePrimaryIsElsewhereIs307WithItsHeadersAndNothingIsWritten() throws Exception {
        region.json("POST", "/v1/memories", M1, 201);
        // The tenant moves away: from now on this region may not append for it.
        region.placements.place(TENANT, "eu-central", 2);

        List<Call> calls = new ArrayList<>(EACH_WRITE);
        calls.add(new Call("POST", "/v1/memories/batch", "{\"memories\":[" + M1.replace("m1", "m3") + "]}"));
        for (Call call : calls) {
            ApiException e = refusal(call);
            assertThat(e.status()).as(call.method() + " " + call.path()).isEqualTo(307);
            assertThat(e.code()).isEqualTo("NOT_PRIMARY");
            assertThat(details(e).get("primary_region").asText()).isEqualTo("eu-central");
            assertThat(e.headers()).containsEntry("X-MAIA-Primary-Region", "eu-central")
                    .containsEntry("X-MAIA-Redirect-Reason", "not-primary")
                    .containsEntry("Location", "http://eu-central.test:8080" + call.path());
        }
        assertThat(region.wal.entries()).hasSize(1);
    }

    @Test
    void aPrimaryThatLostItsLeaseRefusesEveryWriteOfATenantThatCanFailOverAndWritesNothing() throws Exception {
        region.placements.place(TENANT, REGION, 2, List.of("eu-central"), null);
        region.json("POST", "/v1/memories", M1, 201);
        region.placements.lease = false;

        List<Call> calls = new ArrayList<>(EACH_WRITE);
        calls.add(new Call("POST", "/v1/memories/batch", "{\"memories\":[" + M1.replace("m1", "m3") + "]}"));
        for (Call call : calls) {
            ApiException e = refusal(call);
            assertThat(e.status()).as(call.method() + " " + call.path()).isEqualTo(503);
            assertThat(e.code()).isEqualTo("NO_LEASE");
            assertThat(e.headers()).containsKey("Retry-After");
        }
        assertThat(region.wal.entries()).hasSize(1);

        // A single-region tenant has no other copy to fail over to: nothing to fence, it keeps being written.
        region.placements.place(TENANT, REGION, 3);
        region.json("POST", "/v1/memories", M1.replace("m1", "m4"), 201);
        assertThat(region.wal.entries()).hasSize(2);
    }

    @Test
    void aWriteOnItsWayWhenAMigrationBeginsIsAcknowledgedTheMigrationDrainsIt() throws Exception {
        region.placements.place(TENANT, REGION, 2, List.of("eu-central"), null);
        region.wal.whileAppending(() -> region.placements.change(TENANT, p -> Placements.successor(p, REGION)
                .setMigration(Migration.newBuilder().setToRegion("eu-central").setMode(PlacementMode.replicated)
                        .setReplicas(List.of(REGION)).setStartedAt(Instant.now()).build()).build()));

        region.json("POST", "/v1/memories", M1, 201);
        assertThat(region.wal.entries()).hasSize(1);
    }

    @Test
    void aWriteOnItsWayWhenTheTenantFailsOverIsInTheLogButNotAcknowledged() throws Exception {
        region.placements.place(TENANT, REGION, 2, List.of("eu-central"), null);
        region.wal.whileAppending(() -> region.placements.change(TENANT, p -> Placements.failedOver(p, "eu-central",
                List.of(REGION, "eu-central"), 7, List.of(), false, "eu-central")));

        ApiException e = region.refusal("POST", "/v1/memories", M1);
        assertThat(e.status()).isEqualTo(503);
        assertThat(e.code()).isEqualTo("NO_LEASE");
        assertThat(e.getMessage()).contains("failed over to eu-central").contains("not acknowledged");
        // In the log: it arrives at the new primary later as a leftover, resolved and in the conflict feed.
        assertThat(region.wal.entries()).hasSize(1);
    }

    @Test
    void aCreateOfALiveIdIs409AndIsNotWritten() throws Exception {
        region.json("POST", "/v1/memories", M1, 201);

        ApiException e = region.refusal("POST", "/v1/memories", M1);
        assertThat(e.status()).isEqualTo(409);
        assertThat(e.code()).isEqualTo("ALREADY_EXISTS");
        assertThat(details(e).get("field").asText()).isEqualTo("id");
        assertThat(region.wal.entries()).hasSize(1);
    }

    @Test
    void anUpdateOrDeleteOfAMissingIdIs404() throws Exception {
        region.json("POST", "/v1/memories", M1, 201);

        assertThat(region.refusal("PUT", "/v1/memories/nope", "{\"content\":\"x\"}").code()).isEqualTo("NOT_FOUND");
        assertThat(region.refusal("DELETE", "/v1/memories/nope", null).status()).isEqualTo(404);
        assertThat(region.wal.entries()).hasSize(1);
    }

    @Test
    void anUpdateOrDeleteOfATenantWithoutPlacementIs404AndPlacesNothing() {
        assertThat(region.refusal("PUT", "/v1/memories/m1", "{\"content\":\"x\"}").status()).isEqualTo(404);
        assertThat(region.refusal("DELETE", "/v1/memories/m1", null).code()).isEqualTo("NOT_FOUND");
        assertThat(region.placements.get(TENANT)).isEmpty();
        assertThat(region.wal.entries()).isEmpty();
    }

    @Test
    void anInvalidPathIdIs400OnId() {
        region.placements.place(TENANT, REGION, 1);

        ApiException e = region.refusal("PUT", "/v1/memories/a.b", "{\"content\":\"x\"}");
        assertThat(e.status()).isEqualTo(400);
        assertThat(details(e).get("field").asText()).isEqualTo("id");
    }

    @Test
    void anUpdateChangesOnlyTheFieldsItGives() throws Exception {
        region.json("POST", "/v1/memories", M1, 201);

        JsonNode updated = region.json("PUT", "/v1/memories/m1", "{\"content\":\"changed\"}", 200);
        assertThat(updated.get("content").asText()).isEqualTo("changed");
        assertThat(updated.get("namespace").asText()).isEqualTo("ns");
        assertThat(updated.get("tags")).hasSize(2);
        assertThat(updated.get("metadata").get("k").asText()).isEqualTo("v");
        assertThat(updated.get("confidence").asDouble()).isEqualTo(0.5);

        WALEntry create = region.wal.entries().get(0);
        WALEntry update = region.wal.entries().get(1);
        assertThat(update.getOperation()).isEqualTo(Operation.UPDATE);
        Memory written = (Memory) update.getData();
        assertThat(written.getContent()).isEqualTo("changed");
        assertThat(written.getTags()).containsExactly("a", "b");
        assertThat(written.getCreatedAt()).isEqualTo(((Memory) create.getData()).getCreatedAt());
        assertThat(update.getHlc()).isGreaterThan(create.getHlc());
    }

    @Test
    void anInvalidUpdateIs400AndIsNotWritten() throws Exception {
        region.json("POST", "/v1/memories", M1, 201);

        ApiException e = region.refusal("PUT", "/v1/memories/m1", "{\"content\":null}");
        assertThat(e.status()).isEqualTo(400);
        assertThat(details(e).get("field").asText()).isEqualTo("content");
        assertThat(region.wal.entries()).hasSize(1);
    }

    @Test
    void aDeleteIsATombstoneInTheMemorysNamespace() throws Exception {
        region.json("POST", "/v1/memories", M1, 201);

        HttpResponse response = region.call("DELETE", "/v1/memories/m1", null);
        JsonNode body = TestRegion.body(response);
        assertThat(response.status()).isEqualTo(200);
        assertThat(body.get("deleted").asBoolean()).isTrue();
        assertThat(body.has("position")).isTrue();
        assertThat(response.headers()).containsKey("X-MAIA-Position");
        WALEntry tombstone = region.wal.entries().get(1);
        assertThat(tombstone.getOperation()).isEqualTo(Operation.DELETE);
        assertThat(tombstone.getData()).isNull();
        assertThat(tombstone.getNamespace()).isEqualTo("ns");
        assertThat(region.refusal("DELETE", "/v1/memories/m1", null).status()).isEqualTo(404);
    }

    @Test
    void aCreateAfterADeleteOrdersAfterTheTombstone() throws Exception {
        region.placements.place(TENANT, REGION, 3);
        // Deleted in a region whose clock runs an hour ahead of this one's.
        long tombstoneHlc = HybridLogicalClock.pack(NOW_MS + 3_600_000, 7);
        region.state.apply(WalEntries.memoryChange(Operation.DELETE, TENANT, "m1", "ns", null, tombstoneHlc, "eu-central", 2));

        region.json("POST", "/v1/memories", M1, 201);
        assertThat(region.wal.entries().get(0).getHlc()).isGreaterThan(tombstoneHlc);
    }

    @Test
    void aWalThatDoesNotAcknowledgeIs503() throws Exception {
        region.json("POST", "/v1/memories", M1, 201);
        region.wal.failAppends();

        for (Call call : EACH_WRITE) {
            ApiException e = refusal(call);
            assertThat(e.status()).isEqualTo(503);
            assertThat(e.code()).isEqualTo("WAL_UNAVAILABLE");
            assertThat(e.getMessage()).contains("no broker answered");
        }
        assertThat(region.wal.entries()).hasSize(1);
    }

    @Test
    void aSemiSyncWriteSaysWhichReplicasHadIt() throws Exception {
        region.placements.place(TENANT, REGION, 5, List.of("eu-central"), SyncMode.semi_sync);
        region.replicasThatApply.add("eu-central");

        JsonNode replication = region.json("POST", "/v1/memories", M1, 201).get("replication");
        assertThat(replication.get("mode").asText()).isEqualTo("semi-sync");
        assertThat(replication.get("replicated_to")).extracting(JsonNode::asText).containsExactly("eu-central");
        assertThat(replication.get("degraded").asBoolean()).isFalse();
    }

    @Test
    void aSemiSyncWriteNoReplicaAppliedIs504ButStaysInTheLog() {
        region.placements.place(TENANT, REGION, 5, List.of("eu-central"), SyncMode.semi_sync);

        ApiException e = region.refusal("POST", "/v1/memories", M1);
        assertThat(e.status()).isEqualTo(504);
        assertThat(e.code()).isEqualTo("REPLICATION_TIMEOUT");
        assertThat(region.wal.entries()).hasSize(1);
    }
}
