package dev.maia.control.config;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.ConfigKey;
import org.apache.kafka.common.config.ConfigException;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads values against the keys a {@link ConfigDef} declares, and nothing else. {@code AbstractConfig}
 * ignores keys it does not know (a misspelt key would silently keep its default) and words its errors as
 * "Invalid value X for configuration K"; here an unknown key is refused and every error starts with the
 * key it is about.
 */
public final class DeclaredKeys {
    private DeclaredKeys() {
    }

    /**
     * The given values, each parsed to its declared type and validated. Keys left out (or null) are not
     * added: {@code AbstractConfig} fills in the defaults.
     */
    public static Map<String, Object> parse(ConfigDef definition, Map<String, ?> values) {
        for (String name : values.keySet()) {
            if (!definition.names().contains(name)) {
                throw new ConfigException(name + ": unknown key (the keys are in docs/configuration.md)");
            }
        }
        Map<String, Object> parsed = new LinkedHashMap<>();
        for (ConfigKey key : definition.configKeys().values()) {
            Object value = values.get(key.name);
            if (value != null) {
                parsed.put(key.name, parse(key, value));
            } else if (!key.hasDefault()) {
                throw new ConfigException(key.name + ": missing (" + key.documentation + ")");
            }
        }
        return parsed;
    }

    /** One value of one key: parsed to the key's type, then validated. */
    public static Object parse(ConfigKey key, Object value) {
        Object typed;
        try {
            typed = ConfigDef.parseType(key.name, value, key.type);
        } catch (ConfigException e) {
            throw new ConfigException(key.name + ": must be " + typeName(key.type) + ", got '" + value + "'");
        }
        if (key.validator != null) {
            key.validator.ensureValid(key.name, typed);
        }
        return typed;
    }

    private static String typeName(ConfigDef.Type type) {
        return switch (type) {
            case INT, SHORT, LONG -> "an integer";
            case DOUBLE -> "a number";
            case BOOLEAN -> "true or false";
            case LIST -> "a list";
            default -> "a " + type.name().toLowerCase(Locale.ROOT);
        };
    }
}
