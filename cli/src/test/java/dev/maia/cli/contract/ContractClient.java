package dev.maia.cli.contract;

import com.atlassian.oai.validator.report.SimpleValidationReportFormat;
import com.atlassian.oai.validator.report.ValidationReport;
import com.fasterxml.jackson.databind.JsonNode;
import dev.maia.schemas.http.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client of a region's API that checks every exchange against the contract as it happens: the request
 * a test means to be valid must be one the document describes, and every answer must be one the
 * document lists for it (status, headers, body). A request a test sends to provoke a refusal must be one
 * the document itself refuses (a missing key, a field over a limit), so the document and the server
 * agree on what is refused, and the refusal must still be a documented answer. Redirects are not
 * followed: a 307 is an answer to check like any other.
 */
public final class ContractClient {
    private static final Logger log = LoggerFactory.getLogger(ContractClient.class);

    /** How a request presents its API key: {@code Authorization: Bearer} or {@code X-API-Key}, or not at all. */
    public record Credential(String header, String value) {
        public static final Credential NONE = new Credential(null, null);

        public static Credential bearer(String key) {
            return new Credential("Authorization", "Bearer " + key);
        }

        public static Credential apiKey(String key) {
            return new Credential("X-API-Key", key);
        }
    }

    /** An answer, parsed, with the exchange it came from. */
    public record Reply(int status, JsonNode body, Exchange exchange) {
        public String header(String name) {
            return exchange.responseHeaders().entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .flatMap(e -> e.getValue().stream()).findFirst().orElse(null);
        }

        public String code() {
            return body == null || !body.has("code") ? null : body.get("code").asText();
        }
    }

    private final OpenApiContract contract;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final List<Exchange> exchanges = new CopyOnWriteArrayList<>();
    private final Set<String> answered = new ConcurrentSkipListSet<>();

    public ContractClient(OpenApiContract contract) {
        this.contract = contract;
    }

    /** A request the document describes; it and its answer must follow the document. */
    public Reply send(String method, String url, Credential credential, String body, String... headers) throws IOException, InterruptedException {
        Exchange x = exchange(method, url, credential, body, headers);
        assertClean(contract.validate(x), "request or answer off the document", x);
        return reply(x);
    }

    /**
     * A request made to be refused: the document must refuse it too (its request report has errors), and
     * the server's refusal must be an answer the document lists for that operation.
     */
    public Reply sendRefused(String method, String url, Credential credential, String body, String... headers)
            throws IOException, InterruptedException {
        Exchange x = exchange(method, url, credential, body, headers);
        assertThat(contract.validateRequest(x).hasErrors())
                .as("the document accepts a request the test made to be refused: %s", x).isTrue();
        assertClean(contract.validateResponse(x), "answer off the document", x);
        return reply(x);
    }

    /**
     * A method or path the document does not serve (405 on a known path, 404 on an unknown one): the
     * document must know no such operation, and the answer must be an {@code Error}.
     */
    public Reply sendUnserved(String method, String url, Credential credential, String body) throws IOException, InterruptedException {
        Exchange x = exchange(method, url, credential, body);
        ValidationReport request = contract.validateRequest(x);
        assertThat(request.getMessages()).as("the document serves %s", x)
                .anyMatch(m -> m.getKey().equals("validation.request.operation.notAllowed")
                        || m.getKey().equals("validation.request.path.missing"));
        assertClean(contract.validateBody("Error", x.responseBody()), "answer is not an Error body", x);
        return reply(x);
    }

    /** Every exchange so far, in order. */
    public List<Exchange> exchanges() {
        return List.copyOf(exchanges);
    }

    /** The statuses answered so far. */
    public Set<Integer> statuses() {
        Set<Integer> out = new TreeSet<>();
        exchanges.forEach(x -> out.add(x.status()));
        return out;
    }

    /** {@code METHOD path status} of every exchange so far, for the log of what a test covered. */
    public Set<String> answered() {
        return Set.copyOf(answered);
    }

    private Exchange exchange(String method, String url, Credential credential, String body, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60));
        if (credential.header() != null) {
            b.header(credential.header(), credential.value());
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpRequest request = b.build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        Exchange x = Exchange.of(request, body, response);
        exchanges.add(x);
        answered.add(x.method() + " " + x.path() + " " + x.status());
        log.debug("{}", x);
        return x;
    }

    private static Reply reply(Exchange x) throws IOException {
        boolean json = x.responseHeaders().entrySet().stream().anyMatch(e -> e.getKey().equalsIgnoreCase("content-type")
                && e.getValue().stream().anyMatch(v -> v.startsWith("application/json")));
        JsonNode body = json && x.responseBody() != null && !x.responseBody().isEmpty() ? Json.MAPPER.readTree(x.responseBody()) : null;
        return new Reply(x.status(), body, x);
    }

    private static void assertClean(ValidationReport report, String what, Exchange x) {
        assertThat(report.hasErrors()).as("%s: %s%n%s", what, x, SimpleValidationReportFormat.getInstance().apply(report)).isFalse();
    }
}
