package dev.maia.schemas.http;

import java.util.Map;

/** A refusal that reaches the client as {@code {error, code, details?}} with its HTTP status. */
public class ApiException extends RuntimeException {
    private final int status;
    private final String code;
    private final Map<String, Object> details;
    private final Map<String, String> headers;

    public ApiException(int status, String code, String message, Map<String, Object> details) {
        this(status, code, message, details, Map.of());
    }

    public ApiException(int status, String code, String message, Map<String, Object> details, Map<String, String> headers) {
        super(message);
        this.status = status;
        this.code = code;
        this.details = details == null ? Map.of() : Map.copyOf(details);
        this.headers = Map.copyOf(headers);
    }

    public static ApiException invalidInput(String field, String message) {
        return new ApiException(400, "INVALID_INPUT", message, Map.of("field", field));
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, "NOT_FOUND", message, null);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public Map<String, Object> details() {
        return details;
    }

    /** Response headers that go with the refusal (a redirect's Location, say). */
    public Map<String, String> headers() {
        return headers;
    }
}
