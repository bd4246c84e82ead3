package dev.maia.schemas.topology;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.regex.Pattern;

/** One region of a deployment: its alias, its Kafka cluster and its MAIA HTTP endpoint. */
public record RegionSpec(
        @JsonProperty("name") String name,
        @JsonProperty("bootstrap_servers") String bootstrapServers,
        @JsonProperty("endpoint") String endpoint) {

    /** A region alias; the one definition, used by topic names, position tokens and every config. */
    public static final Pattern ALIAS = Pattern.compile("[a-z0-9-]+");

    public static boolean isValidAlias(String name) {
        return name != null && ALIAS.matcher(name).matches();
    }

    void validate(String where) {
        if (!isValidAlias(name)) {
            throw new TopologyException(where + ".name: region alias must match " + ALIAS + ", got '" + name + "'");
        }
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new TopologyException(where + ".bootstrap_servers: missing for region '" + name + "'");
        }
    }
}
