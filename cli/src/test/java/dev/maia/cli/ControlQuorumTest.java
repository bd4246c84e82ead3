package dev.maia.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maia.cli.server.ApiKeyring;
import dev.maia.localcluster.LocalControlCluster;
import dev.maia.localcluster.LocalKafkaCluster;
import dev.maia.schemas.http.Json;
import dev.maia.schemas.topology.RegionSpec;
import dev.maia.schemas.topology.Topology;
import dev.maia.apply.ApplyListener;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 9: "a region cut off from the majority cannot change placements (503 with its own code) and says
 * so in /health". A region process of its own (its own Kafka, so the shared stack is untouched) on a
 * control cluster of three nodes; two of them are stopped, as if the region were cut off from the others.
 */
class ControlQuorumTest {
    private static final String REGION = "solo";
    private static final List<String> CONTROL_NODES = List.of("solo", "north", "south");
    private static LocalKafkaCluster kafka;
    private static LocalControlCluster control;
    private static RegionNode node;
    private static String adminKey;
    private final MaiaClient client = new MaiaClient();

    @BeforeAll
    static void start() throws Exception {
        Path work = Files.createDirectories(Path.of("target", "it-quorum", Long.toString(ProcessHandle.current().pid())));
        kafka = LocalKafkaCluster.start("quorum-solo", work);
        control = LocalControlCluster.start(CONTROL_NODES, work.resolve("control"));
        adminKey = ApiKeyring.newKey();
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Topology topology = new Topology(List.of(new RegionSpec(REGION, kafka.bootstrapServers(), "http://127.0.0.1:" + port)),
                adminKey, Map.of()).withControl(control.bootstrapServers());
        RegionConfig config = RegionConfig.of(REGION, kafka.bootstrapServers(), kafka.security().region(REGION), port, work.resolve(REGION), adminKey, Map.of())
                .with(Map.of(RegionConfig.CONTROL_TIMEOUT_MS, 4_000));
        node = RegionNode.start(config, topology, ApplyListener.NONE);
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
        if (control != null) {
            control.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void withoutAMajorityAChangeIs503NoControlQuorumHealthSaysSoAndWithItBackChangesHoldAgain() throws Exception {
        assertThat(place("t-before").status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(15)).until(() -> health().at("/control/status").asText().equals("ok"));

        control.stopNode("north");
        control.stopNode("south");
        try {
            MaiaClient.Reply refused = place("t-cut-off");
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.body().get("code").asText()).isEqualTo("NO_CONTROL_QUORUM");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                JsonNode h = health();
                assertThat(h.at("/control/status").asText()).isEqualTo("no_quorum");
                assertThat(h.get("status").asText()).isEqualTo("degraded");
            });
            // The region still serves what it has.
            assertThat(client.send("GET", node.endpoint() + "/admin/tenants/t-before/placement", adminKey, null).status()).isEqualTo(200);
        } finally {
            control.startNode("north");
            control.startNode("south");
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> health().at("/control/status").asText().equals("ok"));
        assertThat(place("t-after").status()).isEqualTo(200);
    }

    private MaiaClient.Reply place(String tenant) throws Exception {
        return client.send("POST", node.endpoint() + "/admin/tenants/" + tenant + "/placement", adminKey,
                Json.write(Map.of("mode", "single", "primary_region", REGION)));
    }

    private JsonNode health() throws Exception {
        return client.send("GET", node.endpoint() + "/health", null, null).body();
    }
}
