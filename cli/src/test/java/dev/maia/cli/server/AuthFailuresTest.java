package dev.maia.cli.server;

import dev.maia.schemas.http.Access;
import dev.maia.schemas.http.HttpResponse;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue 12: every 401 and 403 is counted by listener and status, and logged without the key. */
class AuthFailuresTest {
    private final String tenantKey = ApiKeyring.newKey();
    private final String adminKey = ApiKeyring.newKey();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<String> lines = new ArrayList<>();
    private final HttpRouter router = new HttpRouter(
            new ApiKeyring(Map.of("acme", ApiKeyring.hash(tenantKey)), ApiKeyring.hash(adminKey)),
            new AuthFailures(registry, "api", lines::add));

    {
        router.add("GET", "/v1/things", Access.TENANT, r -> HttpResponse.json(200, Map.of("tenant", r.tenant())));
        router.add("GET", "/admin/things", Access.ADMIN, r -> HttpResponse.json(200, Map.of()));
    }

    private int call(String path, Map<String, String> headers) {
        return router.resolve("GET", path).run("GET", path, null, headers, new byte[0]).status();
    }

    private double failures(String status) {
        var counter = registry.find("maia.http.auth.failures").tag("listener", "api").tag("status", status).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void refusalsForCredentialsAreCountedByStatusAndLoggedWithoutTheKey() {
        String guessed = ApiKeyring.newKey();
        assertThat(call("/v1/things", Map.of())).isEqualTo(401);
        assertThat(call("/v1/things", Map.of("x-api-key", guessed))).isEqualTo(401);
        assertThat(call("/admin/things", Map.of("authorization", "Bearer " + tenantKey))).isEqualTo(403);
        assertThat(call("/v1/things", Map.of("x-api-key", tenantKey, "x-maia-tenant-id", "globex"))).isEqualTo(403);

        assertThat(failures("401")).isEqualTo(2.0);
        assertThat(failures("403")).isEqualTo(2.0);
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).contains("GET /v1/things").contains("401 UNAUTHORIZED").contains("no key");
        assertThat(lines.get(1)).contains("key sha256:" + ApiKeyring.hash(guessed).substring(0, 8));
        assertThat(lines.get(2)).contains("403 FORBIDDEN").contains("key sha256:" + ApiKeyring.hash(tenantKey).substring(0, 8));
        for (String line : lines) {
            assertThat(line).doesNotContain(guessed).doesNotContain(tenantKey).doesNotContain(adminKey)
                    .doesNotContain(ApiKeyring.hash(tenantKey));
        }
    }

    @Test
    void acceptedRequestsAreNotCounted() {
        assertThat(call("/v1/things", Map.of("x-api-key", tenantKey))).isEqualTo(200);
        assertThat(call("/admin/things", Map.of("x-api-key", adminKey))).isEqualTo(200);
        assertThat(registry.find("maia.http.auth.failures").counters()).isEmpty();
        assertThat(lines).isEmpty();
    }
}
