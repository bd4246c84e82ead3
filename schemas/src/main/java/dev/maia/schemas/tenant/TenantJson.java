package dev.maia.schemas.tenant;

import dev.maia.schemas.avro.ApiKey;
import dev.maia.schemas.avro.Tenant;
import dev.maia.schemas.avro.TenantUsage;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** The admin API's JSON of tenants, issued keys and usage (MAIA's field names). */
public final class TenantJson {
    private TenantJson() {
    }

    /** A tenant; {@code source} is {@code control} (the control log) or {@code config} (a configuration file only). */
    public static Map<String, Object> tenant(Tenant t, String source) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", t.getTenantId());
        out.put("name", t.getName());
        out.put("status", t.getStatus().name());
        out.put("plan", t.getPlan());
        out.put("metadata", new TreeMap<>(t.getMetadata()));
        out.put("created_at", time(t.getCreatedAt()));
        out.put("updated_at", time(t.getUpdatedAt()));
        out.put("updated_in", t.getUpdatedIn());
        out.put("epoch", t.getEpoch());
        out.put("source", source);
        return out;
    }

    /** An issued key, without the key itself: {@code key} is its SHA-256. */
    public static Map<String, Object> apiKey(ApiKey k) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("key", k.getKeySha256());
        out.put("tenant_id", k.getTenantId());
        out.put("name", k.getName());
        out.put("prefix", k.getPrefix());
        out.put("created_at", time(k.getCreatedAt()));
        out.put("expires_at", time(k.getExpiresAt()));
        out.put("revoked_at", time(k.getRevokedAt()));
        return out;
    }

    public static Map<String, Object> usage(TenantUsage u) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("region", u.getRegion());
        out.put("memories", u.getMemories());
        out.put("namespaces", u.getNamespaces());
        out.put("bytes", u.getBytes());
        out.put("writes", u.getWrites());
        out.put("topics", u.getTopics());
        out.put("reported_at", time(u.getReportedAt()));
        return out;
    }

    private static String time(Instant t) {
        return t == null || t.equals(Instant.EPOCH) ? null : t.toString();
    }
}
