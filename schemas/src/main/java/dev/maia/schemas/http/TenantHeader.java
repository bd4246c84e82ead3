package dev.maia.schemas.http;

import dev.maia.schemas.wal.WalTopics;

/** The tenant a request acts for, from {@code X-MAIA-Tenant-ID}; validated before it is used anywhere. */
public final class TenantHeader {
    public static final String NAME = "X-MAIA-Tenant-ID";

    private TenantHeader() {
    }

    public static String require(HttpRequest request) {
        String tenant = request.header(NAME);
        if (tenant == null || tenant.isEmpty()) {
            throw ApiException.invalidInput(NAME, NAME + " header is required");
        }
        if (!WalTopics.isValidTenantId(tenant)) {
            throw ApiException.invalidInput(NAME, "tenant id must match [a-zA-Z0-9_-]{1,64}");
        }
        return tenant;
    }
}
