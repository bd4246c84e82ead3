package dev.maia.schemas.tenant;

import dev.maia.schemas.avro.ApiKey;
import dev.maia.schemas.avro.Tenant;
import dev.maia.schemas.avro.TenantUsage;
import dev.maia.schemas.wal.AvroClasses;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * How tenants and API keys travel in the control log next to placements. A record says its kind in the
 * {@link #KIND_HEADER} header; a record without it is a placement (so a log written before tenants
 * existed reads the same), and its key ({@code tenant/<id>}, {@code apikey/<sha256>}) never collides with
 * a placement's key (the bare tenant id). Tenants and keys change by the same conditional rule as
 * placements: a change takes effect only as the successor of the epoch in effect.
 */
public final class ControlRecords {
    static {
        AvroClasses.trust();
    }

    public static final String KIND_HEADER = "maia.kind";
    public static final String KIND_PLACEMENT = "placement";
    public static final String KIND_TENANT = "tenant";
    public static final String KIND_APIKEY = "apikey";
    /** A region's lease renewal ({@code dev.maia.schemas.placement.LeaseRecords}). */
    public static final String KIND_LEASE = "lease";
    /** A replica's offer to replace a primary whose lease lapsed ({@code dev.maia.schemas.placement.LeaseRecords}). */
    public static final String KIND_CANDIDACY = "candidacy";

    private static final BinaryMessageEncoder<Tenant> TENANT_ENCODER = Tenant.getEncoder();
    private static final BinaryMessageDecoder<Tenant> TENANT_DECODER = Tenant.getDecoder();
    private static final BinaryMessageEncoder<ApiKey> KEY_ENCODER = ApiKey.getEncoder();
    private static final BinaryMessageDecoder<ApiKey> KEY_DECODER = ApiKey.getDecoder();
    private static final BinaryMessageEncoder<TenantUsage> USAGE_ENCODER = TenantUsage.getEncoder();
    private static final BinaryMessageDecoder<TenantUsage> USAGE_DECODER = TenantUsage.getDecoder();

    private ControlRecords() {
    }

    /** The kind of a control log record from its header value (null: no header, a placement). */
    public static String kind(byte[] headerValue) {
        return headerValue == null ? KIND_PLACEMENT : new String(headerValue, StandardCharsets.UTF_8);
    }

    public static byte[] kindHeader(String kind) {
        return kind.getBytes(StandardCharsets.UTF_8);
    }

    public static String tenantKey(String tenantId) {
        return KIND_TENANT + "/" + tenantId;
    }

    public static String apiKeyKey(String keySha256) {
        return KIND_APIKEY + "/" + keySha256;
    }

    /** The conditional rule of the control log for a tenant: epoch in effect + 1 (1 for a new tenant). */
    public static boolean follows(Tenant candidate, Tenant current) {
        return candidate.getEpoch() == (current == null ? 0 : current.getEpoch()) + 1;
    }

    /** The same rule for an issued key: 1 when issued, then each change + 1. */
    public static boolean follows(ApiKey candidate, ApiKey current) {
        return candidate.getEpoch() == (current == null ? 0 : current.getEpoch()) + 1;
    }

    public static byte[] encode(Tenant t) {
        try {
            return TENANT_ENCODER.encode(t).array();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] encode(ApiKey k) {
        try {
            return KEY_ENCODER.encode(k).array();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] encode(TenantUsage u) {
        try {
            return USAGE_ENCODER.encode(u).array();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Tenant decodeTenant(byte[] bytes) throws IOException {
        return TENANT_DECODER.decode(bytes);
    }

    public static ApiKey decodeApiKey(byte[] bytes) throws IOException {
        return KEY_DECODER.decode(bytes);
    }

    public static TenantUsage decodeUsage(byte[] bytes) throws IOException {
        return USAGE_DECODER.decode(bytes);
    }
}
