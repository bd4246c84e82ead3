package dev.maia.schemas.wal;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Where a write sits in its tenant's log: enough for any region to tell whether it has applied it. */
public record PositionToken(
        @JsonProperty("region") String region,
        @JsonProperty("tenant") String tenant,
        @JsonProperty("partition") int partition,
        @JsonProperty("offset") long offset) {
}
