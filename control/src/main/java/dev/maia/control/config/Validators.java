package dev.maia.control.config;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.LambdaValidator;
import org.apache.kafka.common.config.ConfigException;

import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The checks our keys declare. Kafka's own validators word their errors as "Invalid value X for
 * configuration K"; these start with the key ({@code store_max_entries: must be >= 1, got 0}), the
 * way every error of this project names what to fix. Their {@code toString} is the "valid values" of the
 * configuration reference. A null value is an unset optional key and always passes.
 */
public final class Validators {
    private Validators() {
    }

    public static ConfigDef.Validator atLeast(long min) {
        return number(v -> v >= min, "must be >= " + min, "[" + min + ",...]");
    }

    /** {@code special} (a sentinel such as 0 for "never") or at least {@code min}. */
    public static ConfigDef.Validator atLeastOr(long min, long special) {
        return number(v -> v == special || v >= min, "must be " + special + " or >= " + min, special + " or [" + min + ",...]");
    }

    public static ConfigDef.Validator between(long min, long max) {
        return number(v -> v >= min && v <= max, "must be " + min + ".." + max, "[" + min + ",...," + max + "]");
    }

    /** {@code special} (a sentinel such as -1 for "the cluster's default") or {@code min..max}. */
    public static ConfigDef.Validator betweenOr(long min, long max, long special) {
        return number(v -> v == special || v >= min && v <= max, "must be " + special + " or " + min + ".." + max,
                special + " or [" + min + ",...," + max + "]");
    }

    /**
     * A replication factor or {@code min.insync.replicas}: {@link TopicReplication#CLUSTER_DEFAULT} (the
     * broker's own default) or 1..32767, the range Kafka's {@code short} replica counts allow.
     */
    public static ConfigDef.Validator replicas() {
        return betweenOr(1, Short.MAX_VALUE, TopicReplication.CLUSTER_DEFAULT);
    }

    public static ConfigDef.Validator oneOf(List<String> allowed) {
        return check(v -> allowed.contains((String) v), "must be one of " + String.join(", ", allowed), String.join(", ", allowed));
    }

    public static ConfigDef.Validator matching(Pattern pattern) {
        return check(v -> pattern.matcher((String) v).matches(), "must match " + pattern, pattern.toString());
    }

    public static ConfigDef.Validator nonBlank() {
        return check(v -> !((String) v).isBlank(), "must not be blank", "non-blank");
    }

    private static ConfigDef.Validator number(Predicate<Long> ok, String rule, String valid) {
        return check(v -> ok.test(((Number) v).longValue()), rule, valid);
    }

    private static ConfigDef.Validator check(Predicate<Object> ok, String rule, String valid) {
        return LambdaValidator.with((name, value) -> {
            if (value != null && !ok.test(value)) {
                throw new ConfigException(name + ": " + rule + ", got " + (value instanceof String ? "'" + value + "'" : value));
            }
        }, () -> valid);
    }
}
