package dev.maia.schemas.http;

import dev.maia.schemas.wal.WalTopics;

import java.util.List;
import java.util.Map;
import java.util.Locale;

/** One HTTP request as a route sees it; header names are lower case. */
public record HttpRequest(
        String method,
        String path,
        Map<String, String> pathParams,
        Map<String, List<String>> query,
        Map<String, String> headers,
        byte[] body,
        String tenant) {

    /** The header a tenant may send; when it names another tenant than the key's, the request is refused. */
    public static final String TENANT_HEADER = "X-MAIA-Tenant-ID";

    /** The tenant the request acts for, established from its API key. */
    public String tenant() {
        if (tenant == null) {
            throw new IllegalStateException("route is not tenant-scoped");
        }
        return tenant;
    }

    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    public String pathParam(String name) {
        return pathParams.get(name);
    }

    /** The path's {@code {id}} as a tenant id of the admin routes; 400 on {@code id} if it is not one. */
    public String tenantIdParam() {
        String id = pathParam("id");
        if (!WalTopics.isValidTenantId(id)) {
            throw ApiException.invalidInput("id", "tenant id must match [a-zA-Z0-9_-]{1,64}");
        }
        return id;
    }

    public String queryParam(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
