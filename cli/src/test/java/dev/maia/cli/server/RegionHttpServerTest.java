package dev.maia.cli.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.maia.schemas.http.Access;
import dev.maia.schemas.http.HttpResponse;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The front door without Kafka: fake routes on a real listener, asked by real clients (the JDK's HTTP
 * client, and raw sockets where a client misbehaves on purpose).
 */
class RegionHttpServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BODY = 1024;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final CountDownLatch release = new CountDownLatch(1);
    private RegionHttpServer server;

    @AfterEach
    void stop() {
        release.countDown();
        if (server != null) {
            server.close();
        }
    }

    private RegionHttpServer start(HttpLimits limits) {
        server = new RegionHttpServer("test", "api", "127.0.0.1", 0, limits, new ApiKeyring(Map.of(), null), registry);
        server.add("GET", "/v1/things/{id}", Access.PUBLIC, r -> HttpResponse.json(200, Map.of("id", r.pathParam("id"),
                "q", String.valueOf(r.queryParam("q")))));
        server.add("POST", "/v1/things", Access.PUBLIC, r -> HttpResponse.json(201, Map.of("bytes", r.body().length)));
        // A route that waits, as a read waiting on a position does, until the test releases it.
        server.add("GET", "/v1/wait", Access.PUBLIC, r -> {
            release.await(60, TimeUnit.SECONDS);
            return HttpResponse.json(200, Map.of("waited", true));
        });
        server.addInline("GET", "/health", Access.PUBLIC, r -> HttpResponse.json(200, Map.of("status", "ok")));
        server.start();
        return server;
    }

    private static HttpLimits limits() {
        return new HttpLimits(4, 4, 30_000, 10_000, 4096, MAX_BODY);
    }

    private java.net.http.HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(server.endpoint() + path)).timeout(Duration.ofSeconds(30)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void routesAnswerWithTheirParametersAndRefusalsAreErrorBodies() throws Exception {
        start(limits());
        var ok = get("/v1/things/agents%2Falpha?q=a%20b");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(ok.body()).get("id").asText()).isEqualTo("agents/alpha");
        assertThat(JSON.readTree(ok.body()).get("q").asText()).isEqualTo("a b");
        assertThat(ok.headers().firstValue("Content-Type")).hasValue("application/json");

        var created = client.send(HttpRequest.newBuilder(URI.create(server.endpoint() + "/v1/things"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"a\":1}")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(JSON.readTree(created.body()).get("bytes").asInt()).isEqualTo(7);

        assertError(get("/v1/nothing"), 404, "NOT_FOUND");
        assertError(client.send(HttpRequest.newBuilder(URI.create(server.endpoint() + "/v1/things/x"))
                .DELETE().build(), java.net.http.HttpResponse.BodyHandlers.ofString()), 405, "METHOD_NOT_ALLOWED");
    }

    @Test
    void aPathSegmentIsDecodedExactlyOnce() throws Exception {
        start(limits());
        // Issue 12: %2525 was decoded twice (to '%' instead of "%25"); '+' in a path is a plus, not a space.
        assertThat(JSON.readTree(get("/v1/things/a%25b").body()).get("id").asText()).isEqualTo("a%b");
        assertThat(JSON.readTree(get("/v1/things/a%2525b").body()).get("id").asText()).isEqualTo("a%25b");
        assertThat(JSON.readTree(get("/v1/things/a+b").body()).get("id").asText()).isEqualTo("a+b");
        assertThat(JSON.readTree(get("/v1/things/x?q=a%2525b").body()).get("q").asText()).isEqualTo("a%25b");
        // Bytes that are not UTF-8 are refused, not turned into U+FFFD (two such ids would be one).
        assertError(get("/v1/things/a%FFb"), 400, "INVALID_INPUT");
    }

    @Test
    void aPathJettyRefusesBeforeTheRoutesIsAnErrorBodyForEveryMethod() throws Exception {
        start(limits());
        // An encoded ".." segment is refused by Jetty's URI compliance, before any route; by default Jetty
        // writes an error body only for GET, POST and HEAD, and a PUT got an empty 400.
        for (String method : new String[] {"GET", "PUT", "DELETE"}) {
            var refused = client.send(HttpRequest.newBuilder(URI.create(server.endpoint() + "/v1/things/%2E%2E"))
                    .method(method, HttpRequest.BodyPublishers.ofString("{}")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertError(refused, 400, "INVALID_INPUT");
        }
    }

    @Test
    void aBodyOverTheLimitIs413() throws Exception {
        start(limits());
        var refused = client.send(HttpRequest.newBuilder(URI.create(server.endpoint() + "/v1/things"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[MAX_BODY + 1])).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertError(refused, 413, "INVALID_INPUT");
        assertThat(JSON.readTree(refused.body()).at("/details/limit").asInt()).isEqualTo(MAX_BODY);
    }

    @Test
    void headersOverTheLimitAre431AndALongUriIs414InTheErrorShape() throws Exception {
        start(limits());
        var bigHeader = client.send(HttpRequest.newBuilder(URI.create(server.endpoint() + "/v1/things/a"))
                .header("X-Big", "x".repeat(8 * 1024)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertError(bigHeader, 431, "HEADERS_TOO_LARGE");
        assertError(get("/v1/things/" + "y".repeat(8 * 1024)), 414, "URI_TOO_LONG");
        assertThat(rejected("headers_too_large") + rejected("uri_too_long")).isEqualTo(2.0);
    }

    @Test
    void aFullRoutePoolAnswers503OverloadedAtOnceAndHealthStillAnswers() throws Exception {
        start(limits().withRoutePool(2, 2));
        // Four requests take the two threads and the two places in the queue, and wait there; one at a time,
        // so that none arrives while a thread has not yet taken the one before it from the queue.
        List<CompletableFuture<java.net.http.HttpResponse<String>>> waiting = new ArrayList<>();
        int[][] expected = {{1, 0}, {2, 0}, {2, 1}, {2, 2}};
        for (int[] state : expected) {
            waiting.add(client.sendAsync(HttpRequest.newBuilder(URI.create(server.endpoint() + "/v1/wait")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()));
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                    .until(() -> gauge("maia_http_route_active") == state[0] && gauge("maia_http_route_queued") == state[1]);
        }

        var refused = get("/v1/wait");
        assertError(refused, 503, "OVERLOADED");
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(rejected("overloaded")).isEqualTo(1.0);
        var health = get("/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(waiting).noneMatch(CompletableFuture::isDone);

        release.countDown();
        for (var w : waiting) {
            assertThat(w.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aClientTricklingHeaderBytesIsCutOffByTheRequestTimeout() throws Exception {
        start(limits().withRequestTimeoutMs(1_000));
        URI uri = URI.create(server.endpoint());
        byte[] request = ("GET /v1/things/slow HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + "p".repeat(200) + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(60_000);
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            AtomicBoolean closedByServer = new AtomicBoolean();
            Thread reader = new Thread(() -> {
                try (InputStream in = socket.getInputStream()) {
                    in.transferTo(answer);
                    closedByServer.set(true);
                } catch (IOException e) {
                    closedByServer.set(!e.getMessage().contains("timed out"));
                }
            });
            reader.start();
            OutputStream out = socket.getOutputStream();
            int sent = 0;
            // One byte every 300 ms: each restarts the idle timeout (30 s), so only the request deadline ends it.
            try {
                while (sent < request.length && reader.isAlive()) {
                    out.write(request[sent++]);
                    out.flush();
                    Thread.sleep(300);
                }
            } catch (IOException e) {
                // the server closed the connection under the write: cut off
            }
            reader.join(60_000);
            assertThat(closedByServer).isTrue();
            assertThat(sent).isLessThan(request.length);
            String text = answer.toString(StandardCharsets.US_ASCII);
            assertThat(text).startsWith("HTTP/1.1 408").contains("\"code\":\"REQUEST_TIMEOUT\"");
        }
        assertThat(rejected("request_timeout")).isEqualTo(1.0);
        // The listener itself is fine: the next client is served.
        assertThat(get("/v1/things/fast").statusCode()).isEqualTo(200);
    }

    @Test
    void aWaitingRouteIsNotCutOffByTheRequestTimeout() throws Exception {
        start(limits().withRequestTimeoutMs(200));
        var waiting = client.sendAsync(HttpRequest.newBuilder(URI.create(server.endpoint() + "/v1/wait")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> gauge("maia_http_route_active") == 1);
        // Several deadline checks pass while the route waits; its headers are all in, so it is left alone.
        Thread.sleep(1_000);
        release.countDown();
        assertThat(waiting.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(rejected("request_timeout")).isZero();
    }

    private double gauge(String name) {
        return registry.get(name).tag("listener", "api").gauge().value();
    }

    private double rejected(String reason) {
        var counter = registry.find("maia_http_rejected").tag("listener", "api").tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }

    private static void assertError(java.net.http.HttpResponse<String> response, int status, String code) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("code").asText()).isEqualTo(code);
        assertThat(body.get("error").asText()).isNotBlank();
    }
}
