package dev.maia.cli.server;

import dev.maia.schemas.http.ApiException;
import dev.maia.schemas.tenant.ApiKeys;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Consumer;

/**
 * Every request a listener refuses for its credentials (401, 403), counted
 * ({@code maia_http_auth_failures_total{listener,status}}) and logged, so that guessing keys or a tenant
 * reaching for another's data shows on a dashboard and in the logs. The log names the presented key only by
 * the first characters of its SHA-256 (what the configuration and the control log hold of keys): enough
 * to tell which issued key it was, nothing of the key itself.
 */
public final class AuthFailures {
    private static final Logger log = LoggerFactory.getLogger(AuthFailures.class);
    /** Hex characters of the key's SHA-256 in the log: 32 bits, enough to match a key the operator knows. */
    static final int FINGERPRINT_CHARS = 8;

    private final MeterRegistry registry;
    private final String listener;
    private final Consumer<String> lines;

    public AuthFailures(MeterRegistry registry, String listener) {
        this(registry, listener, log::warn);
    }

    AuthFailures(MeterRegistry registry, String listener, Consumer<String> lines) {
        this.registry = registry;
        this.listener = listener;
        this.lines = lines;
    }

    /** Counts and logs one refusal; {@code presentedKey} may be null (none was sent). */
    void refused(ApiException refusal, String method, String path, String presentedKey) {
        Counter.builder("maia.http.auth.failures").description("requests refused for their credentials (401, 403), by listener")
                .tag("listener", listener).tag("status", Integer.toString(refusal.status())).register(registry).increment();
        lines.accept("Refused " + method + " " + path + " on the " + listener + " listener: " + refusal.status() + " "
                + refusal.code() + " (" + fingerprint(presentedKey) + ")");
    }

    /** {@code key sha256:1a2b3c4d…}, or that none was sent. */
    static String fingerprint(String presentedKey) {
        if (presentedKey == null || presentedKey.isEmpty()) {
            return "no key";
        }
        return "key sha256:" + ApiKeys.sha256(presentedKey).substring(0, FINGERPRINT_CHARS) + "…";
    }
}
