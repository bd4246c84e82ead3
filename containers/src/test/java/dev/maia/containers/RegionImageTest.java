package dev.maia.containers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.output.Slf4jLogConsumer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The region image on its own: a Kafka broker and a MAIA region process, both from {@code maia-region:dev},
 * on a network of their own (the broker holds the control log too: one node is a whole control cluster).
 * A memory written over HTTP to the mapped port is read back, and /health answers ok.
 */
@ExtendWith(DockerRequired.class)
class RegionImageTest {

    private static final String TENANT_KEY = "mk_region-image-test-key";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void images() {
        ProjectImages.ensureBuilt();
    }

    @Test
    void aRegionFromItsImageStoresAndServesAMemory() throws Exception {
        try (Network network = Network.newNetwork();
             GenericContainer<?> kafka = new GenericContainer<>(ProjectImages.REGION)
                     .withNetwork(network).withNetworkAliases("kafka")
                     .withCommand("/opt/maia/bin/kafka-node")
                     .withEnv("KAFKA_CLUSTER_ID", "cmVnaW9uLWltYWdlLXRlc3Q")
                     .withEnv("KAFKA_INTERNAL", "kafka:9092")
                     // The image, not TLS, is under test here (compose/up runs the stack with TLS): the explicit opt-out.
                     .withEnv("KAFKA_SECURITY_PROTOCOL", "PLAINTEXT")
                     .withExposedPorts(9092)
                     .waitingFor(Wait.forListeningPort().withStartupTimeout(Duration.ofMinutes(3)));
             GenericContainer<?> region = new GenericContainer<>(ProjectImages.REGION)
                     .withNetwork(network).withNetworkAliases("maia")
                     .withCommand("/opt/maia/bin/maia", "serve", "--config", "/etc/maia/region.yaml",
                             "--topology", "/etc/maia/topology.yaml")
                     .withCopyToContainer(Transferable.of(regionYaml()), "/etc/maia/region.yaml")
                     .withCopyToContainer(Transferable.of(TOPOLOGY), "/etc/maia/topology.yaml")
                     .withEnv("MAIA_HEAP", "384m")
                     .withExposedPorts(8080)
                     .dependsOn(kafka)
                     .withLogConsumer(new Slf4jLogConsumer(LoggerFactory.getLogger("maia-region-container")))
                     .waitingFor(Wait.forHttp("/health").forPort(8080).forStatusCode(200)
                             .withStartupTimeout(Duration.ofMinutes(5)))) {
            region.start();
            String base = "http://" + region.getHost() + ":" + region.getMappedPort(8080);

            HttpResponse<String> created = send(HttpRequest.newBuilder(URI.create(base + "/v1/memories"))
                    .header("Authorization", "Bearer " + TENANT_KEY).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"namespace\":\"containers\",\"content\":\"from a container\"}")));
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            String id = JSON.readTree(created.body()).get("id").asText();

            // Reads come from the region's store, which applies the log asynchronously: a moment after the 201.
            HttpResponse<String> read = await("the memory readable").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> send(HttpRequest.newBuilder(URI.create(base + "/v1/memories/" + id))
                            .header("Authorization", "Bearer " + TENANT_KEY).GET()), r -> r.statusCode() != 404);
            assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
            JsonNode memory = JSON.readTree(read.body());
            assertThat(memory.get("content").asText()).isEqualTo("from a container");
            assertThat(memory.get("namespace").asText()).isEqualTo("containers");

            HttpResponse<String> health = send(HttpRequest.newBuilder(URI.create(base + "/health")).GET());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(health.body()).get("status").asText()).isEqualTo("ok");
        }
    }

    private static final String TOPOLOGY = """
            regions:
            - name: solo
              bootstrap_servers: kafka:9092
              endpoint: http://maia:8080
            control_bootstrap_servers: kafka:9092
            kafka_security:
              protocol: PLAINTEXT
            """;

    private static String regionYaml() throws Exception {
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(TENANT_KEY.getBytes(StandardCharsets.UTF_8)));
        return """
                region: solo
                bootstrap_servers: kafka:9092
                work_dir: /var/lib/maia
                http_host: 0.0.0.0
                http_port: 8080
                wal_replication_factor: 1
                wal_min_insync_replicas: 1
                kafka_security_protocol: PLAINTEXT
                store_max_entries: 10000
                store_max_positions: 1000
                tenant_keys_sha256:
                  images: %s
                """.formatted(sha);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
