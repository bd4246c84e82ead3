package dev.maia.producer;

import dev.maia.schemas.http.ApiException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static dev.maia.producer.TestRegion.REGION;
import static dev.maia.producer.TestRegion.TENANT;
import static dev.maia.producer.TestRegion.details;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12: a number that is not finite (NaN, Infinity, or a literal too large for a double such as 1e999)
 * is refused wherever it is in a body, naming its field; it would otherwise be stored and answered as
 * JSON no client can parse.
 */
class NonFiniteNumbersTest {
    private final TestRegion region = new TestRegion();

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "\"confidence\":NaN | confidence",
            "\"confidence\":-Infinity | confidence",
            "\"embedding\":[0.5,Infinity] | embedding",
            "\"embedding\":[0.5,1e999] | embedding",
            "\"relations\":[{\"target_id\":\"m0\",\"relation\":\"cites\",\"weight\":1e999}] | relations",
            "\"relations\":[{\"target_id\":\"m0\",\"relation\":\"cites\",\"weight\":NaN}] | relations",
            "\"metadata\":{\"score\":{\"x\":-1e400}} | metadata",
    })
    void aNonFiniteNumberIs400NamingItsFieldAndNothingIsAppended(String field, String named) {
        region.placements.place(TENANT, REGION, 4);

        ApiException e = region.refusal("POST", "/v1/memories", "{\"namespace\":\"ns\",\"content\":\"c\"," + field + "}");

        assertThat(e.status()).isEqualTo(400);
        assertThat(e.code()).isEqualTo("INVALID_INPUT");
        assertThat(details(e).get("field").asText()).isEqualTo(named);
        assertThat(e.getMessage()).contains("finite");
        assertThat(region.wal.entries()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "\"confidence\":0.75",
            "\"relations\":[{\"target_id\":\"m0\",\"relation\":\"cites\",\"weight\":1e300}]",
            "\"metadata\":{\"big\":1e308,\"count\":12345678901234567890}",
    })
    void finiteNumbersStillPass(String field) throws Exception {
        region.placements.place(TENANT, REGION, 4);
        assertThat(region.call("POST", "/v1/memories", "{\"namespace\":\"ns\",\"content\":\"c\"," + field + "}").status()).isEqualTo(201);
    }
}
