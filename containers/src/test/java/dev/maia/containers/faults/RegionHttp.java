package dev.maia.containers.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * HTTP to the regions from the host with short timeouts: a paused or cut-off region must cost a client
 * seconds, not the minute of MaiaClient, so that it retries elsewhere while the fault lasts. Never follows
 * redirects (the 307's Location names the primary's address inside Docker).
 */
public final class RegionHttp {

    public static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final Duration timeout;

    public RegionHttp(Duration timeout) {
        this.timeout = timeout;
    }

    /** An answer: status, JSON body (null when empty or not JSON) and the header a 307 names the primary in. */
    public record Reply(int status, JsonNode body, String primaryRegion) {
        public String code() {
            return body == null ? null : body.path("code").asText(null);
        }
    }

    public Reply send(String method, String url, String key, Object body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + key);
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = null;
        if (r.body() != null && !r.body().isBlank()) {
            try {
                json = JSON.readTree(r.body());
            } catch (IOException notJson) {
                json = null;
            }
        }
        return new Reply(r.statusCode(), json, r.headers().firstValue("X-MAIA-Primary-Region").orElse(null));
    }
}
