package dev.maia.cli;

import dev.maia.schemas.avro.ResourceType;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Restarting a region's apply app neither loses nor double-applies anything, even if its commits were lost. */
class ApplyRestartTest {
    private final MaiaClient client = new MaiaClient();

    @Test
    void aRestartedApplyAppResumesExactly() throws Exception {
        RegionNodes nodes = TestStack.nodes();
        TestStack.Tenant t = TestStack.tenant();
        String tenant = t.id();
        String region = "ap-tokyo";
        TestStack.place(tenant, "global", "us-west");
        List<String> before = write(nodes, t.key(), 20, "before");
        awaitAll(nodes, region, tenant, before);

        nodes.stopRegion(region);
        List<String> during = write(nodes, t.key(), 20, "during");
        rewindConsumerGroup(region); // as if every offset commit had been lost in a crash

        RegionNode restarted = nodes.startRegion(region);
        List<String> all = new ArrayList<>(before);
        all.addAll(during);
        awaitAll(nodes, region, tenant, all);

        // A fresh process has fresh counters: it applied exactly the 20 it missed, and skipped the replay by position.
        Thread.sleep(1000);
        double applied = restarted.registry().find("maia.apply.applied").tag("tenant", tenant).counter().count();
        assertThat(applied).isEqualTo(20.0);
        double skipped = restarted.registry().find("maia.apply.duplicates").tag("tenant", tenant).counter().count();
        assertThat(skipped).isGreaterThanOrEqualTo(20.0);
    }

    private List<String> write(RegionNodes nodes, String key, int count, String label) throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            MaiaClient.Reply r = client.send("POST", nodes.node("us-west").endpoint() + "/v1/memories", key,
                    "{\"namespace\":\"n\",\"content\":\"" + label + " " + i + "\"}");
            assertThat(r.status()).isEqualTo(201);
            ids.add(r.body().get("id").asText());
        }
        return ids;
    }

    private static void awaitAll(RegionNodes nodes, String region, String tenant, List<String> ids) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> ids.stream()
                .allMatch(id -> nodes.node(region).apply().currentState().live(tenant, ResourceType.memory, id).isPresent()));
    }

    private static void rewindConsumerGroup(String region) throws Exception {
        String group = "maia-apply-" + region;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestStack.regions().bootstrapServers(region)))) {
            // The group needs a moment to notice its member left before offsets may be altered.
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
                Map<TopicPartition, OffsetAndMetadata> rewound = new HashMap<>();
                committed.keySet().forEach(tp -> rewound.put(tp, new OffsetAndMetadata(0)));
                admin.alterConsumerGroupOffsets(group, rewound).all().get(10, TimeUnit.SECONDS);
                return !rewound.isEmpty();
            });
        }
    }
}
