package dev.maia.cli;

import org.apache.kafka.clients.admin.Admin;
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
class ApplyRestartTest extends RegionsTest {
    @Test
    void aRestartedApplyAppResumesExactly() throws Exception {
        TestStack.Tenant t = TestStack.tenant();
        String tenant = t.id();
        String region = "ap-tokyo";
        TestStack.place(tenant, "global", "us-west");
        List<String> before = TestStack.writeMemories("us-west", t.key(), 20, "before");
        TestStack.awaitLive(region, tenant, before);

        nodes.stopRegion(region);
        List<String> during = TestStack.writeMemories("us-west", t.key(), 20, "during");
        rewindConsumerGroup(region); // as if every offset commit had been lost in a crash

        nodes.startRegion(region);
        List<String> all = new ArrayList<>(before);
        all.addAll(during);
        TestStack.awaitLive(region, tenant, all);

        // A fresh process has fresh counters: it applied exactly the 20 it missed, and skipped the replay by position.
        Thread.sleep(1000);
        double applied = TestStack.applied(region, tenant);
        assertThat(applied).isEqualTo(20.0);
        double skipped = TestStack.count(region, "maia.apply.duplicates", tenant);
        assertThat(skipped).isGreaterThanOrEqualTo(20.0);
    }

    private static void rewindConsumerGroup(String region) throws Exception {
        String group = "maia-apply-" + region;
        try (Admin admin = TestStack.admin(region)) {
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
