package dev.maia.control.config;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * The keys of a process's management listener ({@code /metrics}, {@code /health}), declared once for every
 * process that has one: a region ({@code maia serve}) and the mirror ({@code maia mirror}). The metrics name
 * every tenant and its volume, so the listener is on loopback, or behind a key: a host that is not loopback
 * without {@link #METRICS_KEY} is refused at start.
 */
public final class ManagementKeys {
    public static final String MANAGEMENT_HOST = "management_host";
    public static final String MANAGEMENT_PORT = "management_port";
    public static final String METRICS_KEY = "metrics_key";

    public static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(MANAGEMENT_HOST, Type.STRING, "127.0.0.1", Validators.nonBlank(), Importance.MEDIUM,
                    "Address of the management listener (/metrics, /health). Anything but loopback needs "
                            + METRICS_KEY + ".")
            .define(MANAGEMENT_PORT, Type.INT, null, Validators.between(0, 65535), Importance.MEDIUM,
                    "Port of the management listener (Prometheus scrapes /metrics there); 0 takes a free one; "
                            + "unset: no management listener.")
            .define(METRICS_KEY, Type.PASSWORD, null, null, Importance.MEDIUM,
                    "Secret that /metrics asks for (Authorization: Bearer <key>): on the management listener, and on "
                            + "the API port (where the admin key also serves). Unset: the management listener's "
                            + "/metrics answers anyone who reaches loopback, and the API port's only the admin key.");

    /** One process's management listener: where it listens (if at all) and the key /metrics asks for. */
    public record Listener(String host, Optional<Integer> port, Optional<String> metricsKey) {
    }

    private ManagementKeys() {
    }

    /**
     * The listener as a config declares it; refuses a host that is not loopback without a metrics key,
     * naming the key (the metrics name every tenant and its volume).
     */
    public static Listener listener(AbstractConfig config) {
        String host = config.getString(MANAGEMENT_HOST);
        Password key = config.getPassword(METRICS_KEY);
        Optional<String> metricsKey = Optional.ofNullable(key).map(Password::value).filter(k -> !k.isBlank());
        Optional<Integer> port = Optional.ofNullable(config.getInt(MANAGEMENT_PORT));
        if (port.isPresent() && metricsKey.isEmpty() && !isLoopback(host)) {
            throw new ConfigException(MANAGEMENT_HOST + ": " + host + " is not loopback; set " + METRICS_KEY
                    + " (the metrics name every tenant), or listen on 127.0.0.1");
        }
        return new Listener(host, port, metricsKey);
    }

    static boolean isLoopback(String host) {
        try {
            for (InetAddress a : InetAddress.getAllByName(host)) {
                if (!a.isLoopbackAddress()) {
                    return false;
                }
            }
            return true;
        } catch (UnknownHostException e) {
            throw new ConfigException(MANAGEMENT_HOST + ": unknown host '" + host + "'");
        }
    }
}
