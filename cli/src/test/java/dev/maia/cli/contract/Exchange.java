package dev.maia.cli.contract;

import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.Response;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;

import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * One request a test sent with java.net.http and the answer it got, as the validator's
 * {@link SimpleRequest} and {@link SimpleResponse}: the adapter between the JDK client and the contract.
 */
public record Exchange(String method, String path, String rawQuery, Map<String, List<String>> requestHeaders, String requestBody,
                       int status, Map<String, List<String>> responseHeaders, String responseBody) {

    static Exchange of(HttpRequest request, String requestBody, HttpResponse<String> response) {
        URI uri = request.uri();
        return new Exchange(request.method(), uri.getRawPath(), uri.getRawQuery(), request.headers().map(), requestBody,
                response.statusCode(), response.headers().map(), response.body());
    }

    /** The same exchange with another answer: how the drift test forges what a server must not say. */
    public Exchange withResponse(int newStatus, String newBody) {
        return new Exchange(method, path, rawQuery, requestHeaders, requestBody, newStatus, responseHeaders, newBody);
    }

    public Request toRequest() {
        SimpleRequest.Builder b = new SimpleRequest.Builder(method, path);
        requestHeaders.forEach(b::withHeader);
        if (rawQuery != null && !rawQuery.isEmpty()) {
            for (String pair : rawQuery.split("&")) {
                int eq = pair.indexOf('=');
                String name = decode(eq < 0 ? pair : pair.substring(0, eq));
                b.withQueryParam(name, eq < 0 ? "" : decode(pair.substring(eq + 1)));
            }
        }
        if (requestBody != null) {
            b.withBody(requestBody);
        }
        return b.build();
    }

    public Response toResponse() {
        SimpleResponse.Builder b = SimpleResponse.Builder.status(status);
        responseHeaders.forEach(b::withHeader);
        if (responseBody != null && !responseBody.isEmpty()) {
            b.withBody(responseBody);
        }
        return b.build();
    }

    @Override
    public String toString() {
        return method + " " + path + (rawQuery == null ? "" : "?" + rawQuery) + " -> " + status + " " + abbreviate(responseBody);
    }

    private static String abbreviate(String body) {
        return body == null || body.length() <= 400 ? String.valueOf(body) : body.substring(0, 400) + "...";
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
