package dev.maia.cli;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;

/**
 * The base of every test that runs against the shared three-region stack ({@link TestStack}): the stack's
 * region processes, a client of their HTTP API, and their URLs. What the tests do with the stack (place a
 * tenant, write, await, read a topic) is in {@link TestStack}.
 */
public abstract class RegionsTest {
    protected static RegionNodes nodes;
    protected final MaiaClient client = new MaiaClient();

    @BeforeAll
    public static void startStack() {
        // Awaitility fails a wait when any thread dies of an uncaught exception. A stream thread of the
        // apply path does when a purged copy is deleted under its subscription, and is replaced at once
        // (docs/architecture.md, known limits): that is handled, not a failure of what the test waits for.
        Awaitility.doNotCatchUncaughtExceptionsByDefault();
        nodes = TestStack.nodes();
    }

    /** The URL of a path in a region's HTTP API. */
    protected static String url(String region, String path) {
        return nodes.node(region).endpoint() + path;
    }
}
