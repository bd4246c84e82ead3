package dev.maia.schemas.http;

import java.util.Map;
import java.util.LinkedHashMap;

/** What a route answers: a status, a body that Jackson can write as JSON (or raw text), headers. */
public record HttpResponse(int status, Object body, Map<String, String> headers) {

    public static HttpResponse json(int status, Object body) {
        return new HttpResponse(status, body, Map.of());
    }

    public static HttpResponse text(int status, String body, String contentType) {
        return new HttpResponse(status, body, Map.of("Content-Type", contentType));
    }

    public HttpResponse withHeader(String name, String value) {
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.put(name, value);
        return new HttpResponse(status, body, all);
    }
}
