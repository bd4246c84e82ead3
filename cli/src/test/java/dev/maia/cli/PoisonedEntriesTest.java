package dev.maia.cli;

import dev.maia.schemas.wal.WalHeaders;
import dev.maia.schemas.wal.WalTopics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Forged entries on real logs, through real brokers and MirrorMaker 2: a record put on a region's local WAL
 * topic with an origin offset header (issue 12: with 2^62 it made the region skip every later write of the
 * tenant and partition, for ever) is dead-lettered in that region and in the one it is mirrored to, and the
 * tenant's later writes still apply everywhere.
 */
class PoisonedEntriesTest extends RegionsTest {
    private static final long FORGED_ORIGIN_OFFSET = 1L << 62;

    private static String header(ConsumerRecord<String, byte[]> r, String name) {
        return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    @Test
    void aLocalRecordClaimingOriginOffset2To62IsDeadLetteredAndLaterWritesStillApply() throws Exception {
        TestStack.Tenant t = TestStack.tenant();
        String tenant = t.id();
        TestStack.place(tenant, "global", "us-west");
        String before = TestStack.writeMemories("us-west", t.key(), 1, "before").get(0);
        TestStack.awaitLive("us-west", tenant, List.of(before));
        TestStack.awaitLive("eu-central", tenant, List.of(before));

        // A real entry (valid checksum, right tenant and origin) on every partition of the local log, each
        // claiming origin offset 2^62: whichever partition the later writes land in was poisoned.
        String wal = WalTopics.wal(tenant);
        ConsumerRecord<String, byte[]> original = TestStack.readAll("us-west", wal).get(0);
        int partitions;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(TestStack.kafkaClient("us-west"),
                new StringSerializer(), new ByteArraySerializer())) {
            List<PartitionInfo> infos = producer.partitionsFor(wal);
            partitions = infos.size();
            for (PartitionInfo p : infos) {
                RecordHeaders headers = new RecordHeaders();
                headers.add(WalHeaders.ORIGIN_OFFSET, WalHeaders.encodeLong(FORGED_ORIGIN_OFFSET));
                producer.send(new ProducerRecord<>(wal, p.partition(), original.key(), original.value(), headers)).get();
            }
        }

        List<String> later = TestStack.writeMemories("us-west", t.key(), 2 * partitions, "later");
        for (String region : List.of("us-west", "eu-central")) {
            TestStack.awaitLive(region, tenant, later);
        }
        for (int p = 0; p < partitions; p++) {
            assertThat(nodes.node("us-west").apply().appliedOffset("us-west", tenant, p))
                    .as("us-west's position of partition %d", p).isLessThan(FORGED_ORIGIN_OFFSET);
            assertThat(nodes.node("eu-central").apply().appliedOffset("us-west", tenant, p))
                    .as("eu-central's position of partition %d", p).isLessThan(FORGED_ORIGIN_OFFSET);
        }

        // Dead-lettered where it was written, and again where MirrorMaker copied it (it carries two headers there).
        for (String region : List.of("us-west", "eu-central")) {
            String topic = region.equals("us-west") ? wal : "us-west." + wal;
            await().atMost(Duration.ofSeconds(30)).until(() -> TestStack.readAll(region, WalTopics.DLQ).stream()
                    .filter(r -> header(r, "maia.dlq.topic").equals(topic))
                    .filter(r -> header(r, "maia.dlq.reason").equals("origin_offset_on_local_log"))
                    .count() >= partitions); // at least once: a redelivery after a rebalance is dead-lettered again
            assertThat(nodes.node(region).registry().find("maia.replication.errors").tag("tenant", tenant)
                    .tag("reason", "origin_offset_on_local_log").counter().count())
                    .as("counted in %s", region).isGreaterThanOrEqualTo(partitions);
        }
    }
}
