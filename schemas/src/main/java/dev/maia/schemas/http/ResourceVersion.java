package dev.maia.schemas.http;

/**
 * The version of a memory or namespace as clients see it: the id (a ULID) of the WAL entry that is the
 * resource's current state. The entry id is the same in every region that applied it, so a version read
 * from any region can be sent to the primary as a precondition. Shared here because the read side
 * answers it ({@code ETag}) and the write side both answers and checks it ({@code If-Match}).
 */
public final class ResourceVersion {
    public static final String ETAG_HEADER = "ETag";
    public static final String IF_MATCH_HEADER = "If-Match";

    private ResourceVersion() {
    }

    /** The {@code ETag} value of a version: a strong entity tag, the version in double quotes. */
    public static String etag(String version) {
        return "\"" + version + "\"";
    }
}
