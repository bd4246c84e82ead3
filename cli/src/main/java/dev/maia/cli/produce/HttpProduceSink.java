package dev.maia.cli.produce;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maia.schemas.http.Json;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/**
 * {@code --via http}: {@code POST /v1/memories} to the region with the tenant's API key, as any client
 * would. A 307 (the region is not the tenant's primary) is followed once and counted as redirected, so the
 * summary shows that the writes took a detour: to the endpoint this client knows for the region that
 * {@code X-MAIA-Primary-Region} names, else to {@code Location}. The region's own idea of an endpoint may
 * not be reachable from here (in the compose stack it is a container's name; the host knows 127.0.0.1).
 */
public final class HttpProduceSink implements ProduceSink {
    private final String endpoint;
    private final Map<String, String> tenantKeys;
    private final int concurrency;
    private final Function<String, Optional<String>> endpointOfRegion;
    // HTTP/1.1: the region's server does not speak h2c, so an upgrade attempt per connection is waste.
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NEVER).build();

    public HttpProduceSink(String endpoint, Map<String, String> tenantKeys, int concurrency) {
        this(endpoint, tenantKeys, concurrency, region -> Optional.empty());
    }

    /** @param endpointOfRegion this client's endpoint of a region (its topology's), empty for one it does not know */
    public HttpProduceSink(String endpoint, Map<String, String> tenantKeys, int concurrency,
                           Function<String, Optional<String>> endpointOfRegion) {
        this.endpoint = endpoint;
        this.tenantKeys = tenantKeys;
        this.concurrency = concurrency;
        this.endpointOfRegion = endpointOfRegion;
    }

    @Override
    public int maxInFlight() {
        return concurrency;
    }

    @Override
    public CompletableFuture<SendResult> send(ProduceRecord record) {
        String key = tenantKeys.get(record.tenant());
        if (key == null) {
            return CompletableFuture.completedFuture(SendResult.failed("no_api_key",
                    "tenant " + record.tenant() + " has no key in the topology's tenant_keys"));
        }
        String body = Json.write(record.body());
        return post(endpoint + "/v1/memories", key, body).thenCompose(first -> {
            if (first.statusCode() != 307) {
                return CompletableFuture.completedFuture(result(first, false));
            }
            String location = first.headers().firstValue("X-MAIA-Primary-Region").flatMap(endpointOfRegion)
                    .map(primary -> primary + "/v1/memories")
                    .or(() -> first.headers().firstValue("Location")).orElse(null);
            if (location == null) {
                return CompletableFuture.completedFuture(result(first, false));
            }
            return post(location, key, body).thenApply(second -> result(second, true));
        }).exceptionally(e -> {
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            return SendResult.failed("http_unreachable", cause.getClass().getSimpleName() + ": " + cause.getMessage());
        });
    }

    private CompletableFuture<HttpResponse<String>> post(String url, String key, String body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + key)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }

    /** 201 is a write; anything else is an error named by its status and MAIA's error code. */
    private static SendResult result(HttpResponse<String> r, boolean redirected) {
        if (r.statusCode() == 201) {
            return SendResult.written(redirected);
        }
        String code = "";
        String message = r.body();
        try {
            JsonNode error = Json.MAPPER.readTree(r.body());
            code = error.path("code").asText("");
            message = error.path("error").asText(message);
        } catch (Exception notJson) {
            // keep the raw body as the detail
        }
        if (r.statusCode() == 307) {
            message = message + " (primary: " + r.headers().firstValue("X-MAIA-Primary-Region").orElse("?") + ")";
        }
        String reason = "http " + r.statusCode() + (code.isEmpty() ? "" : " " + code) + (redirected ? " after redirect" : "");
        return SendResult.failed(reason, message);
    }

    @Override
    public void close() {
        // java.net.http.HttpClient has no close() before Java 21; its threads are daemons.
    }
}
