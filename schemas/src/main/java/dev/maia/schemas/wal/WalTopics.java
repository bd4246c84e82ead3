package dev.maia.schemas.wal;

import dev.maia.schemas.topology.RegionSpec;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The names of the topics this project owns, and the one parser of WAL topic names. A tenant id is
 * validated before it ever becomes part of a topic name.
 */
public final class WalTopics {
    public static final String WAL_PREFIX = "maia.wal.";
    /**
     * The deployment's one control log, on the control cluster stretched over the regions (not on any
     * region's cluster, and never mirrored): placement changes in one total order.
     */
    public static final String CONTROL = "maia.control";
    /** Beside it on the control cluster: each region's periodic acks=all write that tells it whether it reaches a majority. */
    public static final String CONTROL_PROBE = "maia.control.probe";
    /** Beside it (compacted): what each region holds of each tenant, key {@code <region>/<tenant>}. */
    public static final String USAGE = "maia.usage";
    /** Beside it (kept for ever): who changed which placement, from what to what, key the tenant (issue 12). */
    public static final String AUDIT = "maia.audit";
    public static final String POSITIONS = "maia.positions";
    public static final String DLQ = "maia.dlq";
    public static final String CONFLICTS = "maia.conflicts";

    /** Local and mirrored WAL topics: {@code maia.wal.t} and {@code us-west.maia.wal.t}. */
    public static final Pattern ANY_WAL = Pattern.compile("(?:(" + RegionSpec.ALIAS + ")\\.)?maia\\.wal\\.([a-zA-Z0-9_-]{1,64})");
    /** The same, as a regex string for configuration files (MM2, Streams). */
    public static final String LOCAL_WAL_REGEX = "maia\\.wal\\..*";

    private static final Pattern TENANT_ID = Pattern.compile("[a-zA-Z0-9_-]{1,64}");

    private WalTopics() {
    }

    public static boolean isValidTenantId(String tenantId) {
        return tenantId != null && TENANT_ID.matcher(tenantId).matches();
    }

    public static String requireValidTenantId(String tenantId) {
        if (!isValidTenantId(tenantId)) {
            throw new IllegalArgumentException("tenant id must match [a-zA-Z0-9_-]{1,64}");
        }
        return tenantId;
    }

    /** The tenant's log in its own region. */
    public static String wal(String tenantId) {
        return WAL_PREFIX + requireValidTenantId(tenantId);
    }

    /** A WAL topic name taken apart: the region whose log it is (the local one when unprefixed) and the tenant. */
    public record WalTopic(String originRegion, String tenantId) {
    }

    public static Optional<WalTopic> parse(String topic, String localRegion) {
        Matcher m = ANY_WAL.matcher(topic);
        if (!m.matches()) {
            return Optional.empty();
        }
        String origin = m.group(1) == null ? localRegion : m.group(1);
        return Optional.of(new WalTopic(origin, m.group(2)));
    }
}
