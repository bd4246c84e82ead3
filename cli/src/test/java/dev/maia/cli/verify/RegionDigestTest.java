package dev.maia.cli.verify;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A region's digest answer as verify reads it, from this release and from the one before. */
class RegionDigestTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void thePassedVectorIsReadBesideTheAppliedOne() throws Exception {
        RegionDigest d = RegionDigest.answered("us-west", JSON.readTree("""
                {"region":"us-west","tenant":"acme","positions":{"us-west/1":4},
                 "passed":{"us-west/0":0,"us-west/1":5},"resources":7,"digest":"ab"}"""));
        assertThat(d.positions()).isEqualTo(Map.of("us-west/1", 4L));
        assertThat(d.passed()).isEqualTo(Map.of("us-west/0", 0L, "us-west/1", 5L));
        assertThat(d.answered()).isTrue();
    }

    @Test
    void aRegionOfTheReleaseBeforeIsPassedWhereItApplied() throws Exception {
        // Without this every tenant of a region not yet upgraded would look behind its origin for ever.
        RegionDigest d = RegionDigest.answered("us-west", JSON.readTree("""
                {"region":"us-west","tenant":"acme","positions":{"us-west/1":4},"resources":7,"digest":"ab"}"""));
        assertThat(d.passed()).isEqualTo(Map.of("us-west/1", 4L));
    }
}
