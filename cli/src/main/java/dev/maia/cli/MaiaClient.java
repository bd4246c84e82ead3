package dev.maia.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maia.schemas.http.Json;
import dev.maia.schemas.topology.RegionSpec;
import dev.maia.schemas.topology.Topology;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** A small client of a region's MAIA HTTP API, for the CLI and tests. */
public final class MaiaClient {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public record Reply(int status, JsonNode body, HttpHeaders headers) {
        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }
    }

    /** Sends a request with an API key (a tenant's or the admin's; null for none). */
    public Reply send(String method, String url, String apiKey, String jsonBody) throws IOException, InterruptedException {
        HttpResponse<String> r = raw(method, url, apiKey, jsonBody);
        JsonNode body = r.body() == null || r.body().isEmpty() ? null : Json.MAPPER.readTree(r.body());
        return new Reply(r.statusCode(), body, r.headers());
    }

    /**
     * Sends an admin request to the first region of the topology that answers, {@code preferred} first: any
     * region's admin API can append to the control log, so a control-log change need not wait for one region.
     */
    public Reply sendToAnyRegion(Topology topology, String preferred, String method, String path, String jsonBody)
            throws IOException, InterruptedException {
        List<RegionSpec> order = new ArrayList<>(topology.regions());
        order.sort(Comparator.comparing(r -> !r.name().equals(preferred)));
        IOException last = null;
        for (RegionSpec r : order) {
            if (r.endpoint() == null) {
                continue;
            }
            try {
                return send(method, r.endpoint() + path, topology.adminKey(), jsonBody);
            } catch (IOException e) {
                last = e;
            }
        }
        throw new IOException("no region's admin API answered", last);
    }

    public HttpResponse<String> raw(String method, String url, String apiKey, String jsonBody) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json");
        if (apiKey != null) {
            b.header("Authorization", "Bearer " + apiKey);
        }
        b.method(method, jsonBody == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(jsonBody));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
