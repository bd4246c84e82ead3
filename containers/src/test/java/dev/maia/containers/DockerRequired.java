package dev.maia.containers;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.opentest4j.TestAbortedException;
import org.testcontainers.DockerClientFactory;

/**
 * The guard of every container test: where no Docker engine answers, the class is skipped with one line
 * saying why; with {@code MAIA_REQUIRE_DOCKER=1} (CI, .ci/run) that is a failure instead, so a CI machine
 * that lost its engine cannot pass by skipping.
 */
public final class DockerRequired implements BeforeAllCallback {

    static final String REQUIRE_VARIABLE = "MAIA_REQUIRE_DOCKER";

    @Override
    public void beforeAll(ExtensionContext context) {
        if (DockerClientFactory.instance().isDockerAvailable()) {
            return;
        }
        String why = "no Docker engine answers at " + System.getenv().getOrDefault("DOCKER_HOST", "the default socket")
                + " (start one: eval \"$(compose/engine)\")";
        if ("1".equals(System.getenv(REQUIRE_VARIABLE))) {
            throw new IllegalStateException(why + "; " + REQUIRE_VARIABLE + "=1 requires the container tests to run");
        }
        throw new TestAbortedException("container tests skipped: " + why);
    }
}
