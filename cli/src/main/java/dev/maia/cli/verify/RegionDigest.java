package dev.maia.cli.verify;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maia.cli.MaiaClient;
import dev.maia.schemas.topology.RegionSpec;

import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * One region's answer to {@code GET /admin/tenants/{id}/digest}: its applied vector of the tenant, the vector
 * past its dead-lettered entries too ({@code passed}), and the digest of its state at that vector, or why
 * there is none ({@code problem}: {@code unreachable},
 * {@code state_moving}, {@code error}).
 */
public record RegionDigest(String region, Map<String, Long> positions, Map<String, Long> passed, long resources, String digest,
                           String problem, String detail) {
    static final String UNREACHABLE = "unreachable";
    static final String STATE_MOVING = "state_moving";
    static final String ERROR = "error";

    boolean answered() {
        return problem == null;
    }

    static RegionDigest ask(MaiaClient client, RegionSpec region, String tenant, String adminKey) throws InterruptedException {
        MaiaClient.Reply reply;
        try {
            reply = client.send("GET", region.endpoint() + "/admin/tenants/" + tenant + "/digest", adminKey, null);
        } catch (IOException e) {
            return failed(region.name(), UNREACHABLE, e.toString());
        }
        JsonNode body = reply.body();
        if (reply.status() == 200 && body != null) {
            return answered(region.name(), body);
        }
        String code = body == null ? "" : body.path("code").asText();
        return failed(region.name(), code.equals("STATE_MOVING") ? STATE_MOVING : ERROR,
                "HTTP " + reply.status() + (body == null ? "" : " " + body.path("error").asText(code)));
    }

    static RegionDigest answered(String region, JsonNode body) {
        Map<String, Long> positions = vector(body.path("positions"));
        // A region of an older release answers no passed vector: its applied one is the best it can say.
        Map<String, Long> passed = body.has("passed") ? vector(body.path("passed")) : positions;
        return new RegionDigest(region, positions, passed, body.path("resources").asLong(), body.path("digest").asText(),
                null, null);
    }

    static RegionDigest failed(String region, String problem, String detail) {
        return new RegionDigest(region, Map.of(), Map.of(), 0, null, problem, detail);
    }

    private static Map<String, Long> vector(JsonNode node) {
        Map<String, Long> out = new TreeMap<>();
        node.fields().forEachRemaining(p -> out.put(p.getKey(), p.getValue().asLong()));
        return out;
    }
}
