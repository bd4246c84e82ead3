package dev.maia.producer;

import dev.maia.schemas.avro.WALEntry;
import dev.maia.schemas.http.ApiException;
import dev.maia.schemas.http.ResourceVersion;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A client's optimistic-concurrency precondition ({@code If-Match}, RFC 9110 §13.1.1): the versions
 * ({@link ResourceVersion}) its change was built on, or {@code *} for any. Checked inside the resource's
 * critical section ({@link ResourceLocks}) against the state the change would be built on, so a write
 * that passes cannot be overtaken before it is appended. Entity tags compare strongly: a weak tag
 * ({@code W/"..."}) never matches, as the RFC asks of {@code If-Match}.
 */
final class IfMatch {
    /** No header: any state will do, as before preconditions existed. */
    static final IfMatch ABSENT = new IfMatch(true, List.of());

    private static final Pattern TAG = Pattern.compile("\\G\\s*(W/)?\"([^\"]*)\"\\s*(,|$)");

    private final boolean any;
    private final List<String> versions;

    private IfMatch(boolean any, List<String> versions) {
        this.any = any;
        this.versions = versions;
    }

    /** The header's value (null when absent); a malformed one is 400 on {@code If-Match}. */
    static IfMatch parse(String header) {
        if (header == null) {
            return ABSENT;
        }
        if (header.trim().equals("*")) {
            return new IfMatch(true, List.of());
        }
        List<String> strong = new ArrayList<>();
        Matcher m = TAG.matcher(header);
        int end = 0;
        while (end < header.length() && m.find()) {
            if (m.group(1) == null) {
                strong.add(m.group(2));
            }
            end = m.end();
        }
        if (end == 0 || end < header.length()) {
            throw ApiException.invalidInput(ResourceVersion.IF_MATCH_HEADER,
                    "If-Match must be * or a list of entity tags such as \"01J9Z3...\" (the ETag of a read)");
        }
        return new IfMatch(false, List.copyOf(strong));
    }

    /** 412 {@code PRECONDITION_FAILED} with the current version when the live {@code current} is not one the client named. */
    void check(WALEntry current) {
        String version = current.getId();
        if (any || versions.contains(version)) {
            return;
        }
        throw new ApiException(412, "PRECONDITION_FAILED", current.getResourceType() + " " + current.getResourceId()
                + " is at version " + version + ", not the one If-Match names; read it again and retry",
                Map.of("current_version", version), Map.of(ResourceVersion.ETAG_HEADER, ResourceVersion.etag(version)));
    }
}
