package dev.maia.schemas.http;

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

    public String queryParam(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
