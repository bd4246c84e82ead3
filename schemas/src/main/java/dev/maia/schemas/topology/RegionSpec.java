package dev.maia.schemas.topology;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.regex.Pattern;

/** One region of a deployment: its alias, its Kafka cluster and its MAIA HTTP endpoint. */
public record RegionSpec(
        @JsonProperty("name") String name,
        @JsonProperty("bootstrap_servers") String bootstrapServers,
        @JsonProperty("endpoint") String endpoint) {

    public static final Pattern ALIAS = Pattern.compile("[a-z0-9-]+");

    void validate(String where) {
        if (name == null || !ALIAS.matcher(name).matches()) {
            throw new TopologyException(where + ".name: region alias must match [a-z0-9-]+, got '" + name + "'");
        }
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new TopologyException(where + ".bootstrap_servers: missing for region '" + name + "'");
        }
    }
}
