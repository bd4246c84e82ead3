package dev.maia.containers;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;

/**
 * The guard of every container test: where no Docker engine answers, the class is skipped with one line
 * saying why; with {@code MAIA_REQUIRE_DOCKER=1} (CI, .ci/run) that is a failure instead, so a CI machine
 * that lost its engine cannot pass by skipping.
 */
public final class DockerRequired implements ExecutionCondition {

    static final String REQUIRE_VARIABLE = "MAIA_REQUIRE_DOCKER";
    private static final Logger log = LoggerFactory.getLogger(DockerRequired.class);
    /** Asked once per JVM: without an engine Testcontainers' probe of every strategy takes a while. */
    private static Boolean available;

    private static synchronized boolean available() {
        if (available == null) {
            available = DockerClientFactory.instance().isDockerAvailable();
        }
        return available;
    }

    /** Throws where CI requires the container tests ({@code MAIA_REQUIRE_DOCKER=1}); elsewhere the caller skips. */
    static void failIfRequired(String why) {
        if ("1".equals(System.getenv(REQUIRE_VARIABLE))) {
            throw new IllegalStateException(why + "; " + REQUIRE_VARIABLE + "=1 requires the container tests to run");
        }
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (available()) {
            return ConditionEvaluationResult.enabled("a Docker engine answers");
        }
        String why = "no Docker engine answers at " + System.getenv().getOrDefault("DOCKER_HOST", "the default socket")
                + " (start one: eval \"$(compose/engine)\")";
        failIfRequired(why);
        if (context.getTestMethod().isEmpty()) {
            log.warn("{} skipped: {}", context.getDisplayName(), why);
        }
        return ConditionEvaluationResult.disabled("container tests skipped: " + why);
    }
}
