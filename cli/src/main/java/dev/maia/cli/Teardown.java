package dev.maia.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;

/**
 * Stops everything a command started, once, in reverse order, whether the command ends by itself or by
 * Ctrl-C (register it as a shutdown hook too), and only then deletes its data: in-process brokers end
 * the JVM if their directory vanishes under them.
 */
public final class Teardown implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(Teardown.class);

    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private final Path work;
    private final boolean deleteWork;
    private boolean started;

    public Teardown(Path work, boolean deleteWork) {
        this.work = work;
        this.deleteWork = deleteWork;
    }

    public synchronized <T extends AutoCloseable> T add(T resource) {
        resources.push(resource);
        return resource;
    }

    public synchronized boolean started() {
        return started;
    }

    @Override
    public synchronized void run() {
        if (started) {
            return;
        }
        started = true;
        while (!resources.isEmpty()) {
            try {
                resources.pop().close();
            } catch (Exception e) {
                log.warn("teardown", e);
            }
        }
        if (deleteWork) {
            try (var paths = Files.walk(work)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                log.warn("could not delete {}", work, e);
            }
        }
    }
}
