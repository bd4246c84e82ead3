package dev.maia.cli.server;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import dev.maia.control.config.ManagementKeys;
import dev.maia.schemas.http.HttpResponse;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The management listener over real HTTP: /metrics behind the metrics key when there is one, /health open. */
class ManagementServerTest {
    private final HttpClient http = HttpClient.newHttpClient();

    private java.net.http.HttpResponse<String> get(String url, String bearer) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return http.send(b.build(), BodyHandlers.ofString());
    }

    @Test
    void withAMetricsKeyMetricsAnswer401WithoutItAnd200WithItWhileHealthAnswersAnyone() throws Exception {
        ManagementKeys.Listener listener = new ManagementKeys.Listener("127.0.0.1", Optional.of(0), Optional.of("s3cret"));
        try (ManagementServer server = ManagementServer.start("test", listener, new SimpleMeterRegistry(), () -> "maia_x 1.0\n",
                r -> HttpResponse.json(200, Map.of("status", "ok"))).orElseThrow()) {
            var refused = get(server.endpoint() + "/metrics", null);
            assertThat(refused.statusCode()).isEqualTo(401);
            assertThat(refused.body()).contains("\"code\":\"UNAUTHORIZED\"").contains("metrics key");
            assertThat(get(server.endpoint() + "/metrics", "wrong").statusCode()).isEqualTo(401);
            var scraped = get(server.endpoint() + "/metrics", "s3cret");
            assertThat(scraped.statusCode()).isEqualTo(200);
            assertThat(scraped.body()).isEqualTo("maia_x 1.0\n");
            assertThat(scraped.headers().firstValue("Content-Type")).contains(ManagementServer.METRICS_CONTENT_TYPE);
            assertThat(get(server.endpoint() + "/health", null).statusCode()).isEqualTo(200);
            // Nothing else is served there: not the API.
            assertThat(get(server.endpoint() + "/v1/memories", "s3cret").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void onLoopbackWithoutAKeyMetricsAnswerAnyoneAndWithoutAPortThereIsNoListener() throws Exception {
        ManagementKeys.Listener open = new ManagementKeys.Listener("127.0.0.1", Optional.of(0), Optional.empty());
        try (ManagementServer server = ManagementServer.start("test", open, new SimpleMeterRegistry(), () -> "maia_x 1.0\n",
                r -> HttpResponse.json(200, Map.of())).orElseThrow()) {
            assertThat(get(server.endpoint() + "/metrics", null).statusCode()).isEqualTo(200);
        }
        assertThat(ManagementServer.start("test", new ManagementKeys.Listener("127.0.0.1", Optional.empty(), Optional.empty()), new SimpleMeterRegistry(),
                () -> "", r -> HttpResponse.json(200, Map.of()))).isEmpty();
    }
}
