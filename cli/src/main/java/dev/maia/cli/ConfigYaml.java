package dev.maia.cli;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A configuration YAML file (a region's for {@code maia serve}, the mirror's for {@code maia mirror}) as
 * the values {@code ConfigDef} reads: every top-level key with its value as text, as a properties file or
 * the environment would give it, so one parser types and checks all three. A map
 * ({@code tenant_keys_sha256: {acme: ...}}) becomes a list of {@code key:value} entries, a sequence a
 * list. Keys are not checked here: the configuration class refuses the ones it does not declare.
 */
final class ConfigYaml {
    // A key written twice would otherwise quietly take its last value.
    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());

    private ConfigYaml() {
    }

    static Map<String, Object> read(Path file) {
        JsonNode root;
        try {
            root = YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage().lines().findFirst().orElse(""), e);
        }
        Map<String, Object> values = new HashMap<>();
        if (root == null || root.isMissingNode() || root.isNull()) {
            return values;
        }
        if (!root.isObject()) {
            throw new IllegalArgumentException(file + ": expected key: value lines at the top level");
        }
        for (Map.Entry<String, JsonNode> field : root.properties()) {
            JsonNode value = field.getValue();
            if (!value.isNull()) {
                values.put(field.getKey(), value.isContainerNode() ? entries(value) : value.asText());
            }
        }
        return values;
    }

    private static List<String> entries(JsonNode container) {
        List<String> entries = new ArrayList<>();
        if (container.isObject()) {
            container.properties().forEach(e -> entries.add(e.getKey() + ":" + e.getValue().asText()));
        } else {
            container.forEach(e -> entries.add(e.asText()));
        }
        return entries;
    }
}
