package dev.maia.cli;

import dev.maia.control.config.DeclaredKeys;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.ConfigKey;
import org.apache.kafka.common.config.ConfigException;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code MAIA_<KEY IN UPPER CASE>} environment variables, one per declared key, that win over the file:
 * the way a container or a unit file sets one region apart without another file. Other {@code MAIA_}
 * variables (the launcher's {@code MAIA_JAVA_OPTS}) are not keys and are left alone; an empty one counts
 * as unset.
 */
final class EnvironmentOverrides {
    private EnvironmentOverrides() {
    }

    static String variable(String key) {
        return "MAIA_" + key.toUpperCase(Locale.ROOT);
    }

    /** A file's values with the environment's over them: how every command reads its configuration. */
    static Map<String, Object> over(Map<String, Object> fileValues, ConfigDef definition, Map<String, String> env) {
        Map<String, Object> values = new HashMap<>(fileValues);
        values.putAll(of(definition, env));
        return values;
    }

    /** The declared keys the environment sets, each already checked so that its error says where it came from. */
    static Map<String, Object> of(ConfigDef definition, Map<String, String> env) {
        Map<String, Object> overrides = new HashMap<>();
        for (ConfigKey key : definition.configKeys().values()) {
            String variable = variable(key.name);
            String value = env.get(variable);
            if (value == null || value.isEmpty()) {
                continue;
            }
            try {
                DeclaredKeys.parse(key, value);
            } catch (ConfigException e) {
                throw new ConfigException(e.getMessage() + " (from " + variable + ")");
            }
            overrides.put(key.name, value);
        }
        return overrides;
    }
}
