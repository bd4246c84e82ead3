package dev.maia.localcluster;

import org.apache.kafka.common.utils.Exit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps embedded Kafka from ending its host process. Brokers, controllers and MirrorMaker 2's Connect herders
 * call {@code Exit.exit}/{@code Exit.halt} on a fatal fault (a herder even when it is interrupted while it
 * stops), which is right for a process of their own and wrong here: the demo or a test run shares its JVM
 * with every other region, and would lose all of them at once (System.exit runs the shutdown hooks while the
 * other threads go on). The faulty part is lost, loudly; the JVM stays. {@code maia mirror}, MM2's own
 * process, does not install this: there the exit is what a supervisor restarts.
 */
final class EmbeddedExit {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedExit.class);

    private EmbeddedExit() {
    }

    static synchronized void install() {
        Exit.Procedure stay = (status, message) -> {
            log.error("embedded Kafka asked to end the JVM (status {}): {}; it does not end its host process", status, message);
            throw new IllegalStateException("embedded Kafka asked to end the JVM (status " + status + "): " + message);
        };
        Exit.setExitProcedure(stay);
        Exit.setHaltProcedure(stay);
    }
}
