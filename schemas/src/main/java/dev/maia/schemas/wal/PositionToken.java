package dev.maia.schemas.wal;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.maia.schemas.topology.RegionSpec;

/**
 * Where a write sits in its tenant's log: enough for any region to tell whether it has applied it.
 * In headers ({@code X-MAIA-Position} on a write's answer, {@code X-MAIA-Min-Position} on a read) and
 * the {@code min_position} parameter it is written {@code region:partition:offset}; the tenant is the
 * request's.
 */
public record PositionToken(
        @JsonProperty("region") String region,
        @JsonProperty("tenant") String tenant,
        @JsonProperty("partition") int partition,
        @JsonProperty("offset") long offset) {

    public static final String HEADER = "X-MAIA-Position";

    public String toHeader() {
        return region + ":" + partition + ":" + offset;
    }

    /** Parses {@code region:partition:offset}; the message says what is wrong. */
    public static PositionToken parse(String value, String tenant) {
        String[] parts = value == null ? new String[0] : value.split(":");
        if (parts.length != 3 || !RegionSpec.isValidAlias(parts[0])) {
            throw new IllegalArgumentException("a position is written region:partition:offset, got '" + value + "'");
        }
        try {
            int partition = Integer.parseInt(parts[1]);
            long offset = Long.parseLong(parts[2]);
            if (partition < 0 || offset < 0) {
                throw new NumberFormatException("negative");
            }
            return new PositionToken(parts[0], tenant, partition, offset);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a position is written region:partition:offset with non-negative numbers, got '" + value + "'");
        }
    }
}
