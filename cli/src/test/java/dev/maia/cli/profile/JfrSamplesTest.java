package dev.maia.cli.profile;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class JfrSamplesTest {
    private final JfrSamples samples = JfrSamples.of(List.of(
            List.of("Thread.run", "Apply.process", "Store.put", "Bytes.write"),
            List.of("Thread.run", "Apply.process", "Store.put", "Bytes.write"),
            List.of("Thread.run", "Apply.process", "Codec.decode"),
            List.of("Thread.run", "Poll.poll")));

    @Test
    void selfCountsTheTopFrameAndInclusiveEveryFrameOncePerStack() {
        assertThat(samples.self(2)).containsExactly(new JfrSamples.Share("Bytes.write", 2, 0.5),
                new JfrSamples.Share("Codec.decode", 1, 0.25));
        assertThat(samples.inclusive(3)).containsExactly(new JfrSamples.Share("Thread.run", 4, 1.0),
                new JfrSamples.Share("Apply.process", 3, 0.75), new JfrSamples.Share("Bytes.write", 2, 0.5));
    }

    @Test
    void aRecursiveFrameCountsOnceInItsStack() {
        JfrSamples recursive = JfrSamples.of(List.of(List.of("A.f", "A.f", "A.f")));
        assertThat(recursive.inclusive(1)).containsExactly(new JfrSamples.Share("A.f", 1, 1.0));
    }

    @Test
    void collapsedStacksAreOneLinePerDistinctStackWithItsCount() {
        assertThat(samples.collapsed().lines()).containsExactlyInAnyOrder(
                "Thread.run;Apply.process;Store.put;Bytes.write 2",
                "Thread.run;Apply.process;Codec.decode 1",
                "Thread.run;Poll.poll 1");
        assertThat(samples.containing("store", Set.of("Store."))).isEqualTo(new JfrSamples.Share("store", 2, 0.5));
    }
}
