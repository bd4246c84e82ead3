package dev.maia.producer;

import dev.maia.schemas.http.ApiException;
import dev.maia.schemas.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;

import static dev.maia.producer.TestRegion.details;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Optimistic concurrency: every write answers its version as {@code ETag}; {@code If-Match} makes a change conditional on it. */
class PreconditionsTest {
    private static final String M1 = "{\"id\":\"m1\",\"namespace\":\"ns\",\"content\":\"hello\"}";

    private final TestRegion region = new TestRegion();

    private static String etag(HttpResponse response) {
        return response.headers().get("ETag");
    }

    private HttpResponse ifMatch(String method, String path, String body, String ifMatch) throws Exception {
        return region.call(method, path, body, Map.of("If-Match", ifMatch));
    }

    private ApiException refusedIfMatch(String method, String path, String body, String ifMatch) {
        ApiException e = catchThrowableOfType(() -> ifMatch(method, path, body, ifMatch), ApiException.class);
        assertThat(e).as("%s %s with If-Match %s is refused", method, path, ifMatch).isNotNull();
        return e;
    }

    @Test
    void everyWriteAnswersTheIdOfItsEntryAsETag() throws Exception {
        HttpResponse created = region.call("POST", "/v1/memories", M1);
        HttpResponse updated = region.call("PUT", "/v1/memories/m1", "{\"content\":\"x\"}");
        HttpResponse deleted = region.call("DELETE", "/v1/memories/m1", null);

        assertThat(etag(created)).isEqualTo("\"" + region.wal.entries().get(0).getId() + "\"");
        assertThat(etag(updated)).isEqualTo("\"" + region.wal.entries().get(1).getId() + "\"");
        assertThat(etag(deleted)).isEqualTo("\"" + region.wal.entries().get(2).getId() + "\"");
    }

    @Test
    void aChangeWithTheCurrentVersionIsAcceptedEvenBeforeTheRegionAppliedIt() throws Exception {
        region.state.lag();
        String v1 = etag(region.call("POST", "/v1/memories", M1));

        HttpResponse updated = ifMatch("PUT", "/v1/memories/m1", "{\"content\":\"x\"}", v1);
        assertThat(updated.status()).isEqualTo(200);
        assertThat(ifMatch("DELETE", "/v1/memories/m1", null, etag(updated)).status()).isEqualTo(200);
        assertThat(region.wal.entries()).hasSize(3);
    }

    @Test
    void aChangeWithAStaleVersionIs412WithTheCurrentVersionAndAppendsNothing() throws Exception {
        String v1 = etag(region.call("POST", "/v1/memories", M1));
        String v2 = etag(region.call("PUT", "/v1/memories/m1", "{\"content\":\"x\"}"));

        for (String method : new String[] {"PUT", "DELETE"}) {
            ApiException e = refusedIfMatch(method, "/v1/memories/m1", method.equals("PUT") ? "{\"content\":\"y\"}" : null, v1);
            assertThat(e.status()).isEqualTo(412);
            assertThat(e.code()).isEqualTo("PRECONDITION_FAILED");
            assertThat("\"" + details(e).get("current_version").asText() + "\"").isEqualTo(v2);
            assertThat(e.headers()).containsEntry("ETag", v2);
        }
        assertThat(region.wal.entries()).hasSize(2);
    }

    @Test
    void aNamespaceChangeIsConditionalTheSameWay() throws Exception {
        String v1 = etag(region.call("POST", "/v1/namespaces", "{\"id\":\"n1\",\"name\":\"projects\"}"));
        region.call("PUT", "/v1/namespaces/n1", "{\"template\":\"notes\"}");

        assertThat(refusedIfMatch("PUT", "/v1/namespaces/n1", "{\"template\":\"t\"}", v1).status()).isEqualTo(412);
        assertThat(region.wal.entries()).hasSize(2);
    }

    @Test
    void aStarOrAListWithTheCurrentVersionMatches() throws Exception {
        String v1 = etag(region.call("POST", "/v1/memories", M1));

        assertThat(ifMatch("PUT", "/v1/memories/m1", "{\"content\":\"a\"}", "*").status()).isEqualTo(200);
        String v2 = etag(region.call("PUT", "/v1/memories/m1", "{\"content\":\"b\"}"));
        assertThat(ifMatch("PUT", "/v1/memories/m1", "{\"content\":\"c\"}", v1 + ", " + v2).status()).isEqualTo(200);
    }

    @Test
    void aWeakTagNeverMatches() throws Exception {
        String v1 = etag(region.call("POST", "/v1/memories", M1));

        assertThat(refusedIfMatch("PUT", "/v1/memories/m1", "{\"content\":\"a\"}", "W/" + v1).status()).isEqualTo(412);
    }

    @ParameterizedTest(name = "If-Match: [{0}]")
    @ValueSource(strings = {"", "01ABC", "\"a\" \"b\"", "\"unterminated"})
    void aMalformedIfMatchIs400AndAppendsNothing(String header) throws Exception {
        region.call("POST", "/v1/memories", M1);

        ApiException e = refusedIfMatch("PUT", "/v1/memories/m1", "{\"content\":\"a\"}", header);
        assertThat(e.status()).isEqualTo(400);
        assertThat(details(e).get("field").asText()).isEqualTo("If-Match");
        assertThat(region.wal.entries()).hasSize(1);
    }

    @Test
    void aChangeOfAMissingResourceIs404WhateverIfMatchSays() throws Exception {
        region.call("POST", "/v1/memories", M1);

        assertThat(refusedIfMatch("PUT", "/v1/memories/nope", "{\"content\":\"a\"}", "*").status()).isEqualTo(404);
        assertThat(refusedIfMatch("DELETE", "/v1/memories/nope", null, "\"x\"").status()).isEqualTo(404);
    }
}
