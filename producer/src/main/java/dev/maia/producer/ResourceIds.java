package dev.maia.producer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maia.schemas.http.ApiException;
import dev.maia.schemas.wal.Ulid;

import java.util.regex.Pattern;

/** The ids of memories and namespaces: a client's choice if it is safe in keys and URLs, a new ULID otherwise. */
final class ResourceIds {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]+");

    private final int maxLength;

    ResourceIds(WriteLimits limits) {
        this.maxLength = limits.maxIdLength();
    }

    /** A client-chosen id from a create body, or a new ULID. */
    String idFor(JsonNode body) {
        JsonNode id = body.get("id");
        if (id == null || id.isNull()) {
            return Ulid.next();
        }
        if (!id.isTextual()) {
            throw ApiException.invalidInput("id", "id must be a string");
        }
        return validate(id.asText());
    }

    /** Client-chosen ids (in a body or a path) must be safe in keys and URLs. */
    String validate(String id) {
        if (id == null || id.isEmpty() || id.length() > maxLength || !ID.matcher(id).matches()) {
            throw ApiException.invalidInput("id", "id must match [A-Za-z0-9_-]{1," + maxLength + "}");
        }
        return id;
    }
}
