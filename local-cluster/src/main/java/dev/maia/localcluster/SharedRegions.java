package dev.maia.localcluster;

import dev.maia.localcluster.tls.LocalSecurity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * One JVM-wide {@link LocalRegions} of the three demo regions and their control cluster
 * ({@link LocalRegions#controlBootstrapServers()}), started on first use and stopped by a shutdown hook, so
 * that every test class in a surefire JVM shares one stack (starting it costs ~10-20 s, mostly MM2).
 *
 * <p>Its work directory is {@code target/local-regions/<pid>} when the current directory has a
 * {@code target/} (surefire runs in the module's base directory), else a fresh temporary directory;
 * the pid keeps parallel forks apart. It is deleted when the JVM exits.
 *
 * <p>Its MM2 runs the placement filter (the default options): write a tenant's placement (e.g. with
 * {@code PlacementWriter}, or through the MAIA admin API) before expecting its WAL to reach other regions.
 *
 * <p>Tests that share it must not break it for the others: use unique topic names, and if you call
 * {@link LocalRegions#stopMirror()}, call {@link LocalRegions#startMirror()} before returning. A test that
 * stops control nodes starts a {@link LocalControlCluster} of its own: a stopped majority would fail
 * every other test's control writes.
 */
public final class SharedRegions {

    private static final Logger log = LoggerFactory.getLogger(SharedRegions.class);
    public static final List<String> DEMO_REGIONS = List.of("us-west", "eu-central", "ap-tokyo");

    private static LocalRegions instance;
    /** A failed start is remembered: retrying it for every test class would only repeat the wait. */
    private static RuntimeException failure;
    /** What runs on the stack, stopped before it (in reverse order of registration). */
    private static final Deque<Runnable> users = new ArrayDeque<>();

    private SharedRegions() {
    }

    public static synchronized LocalRegions get() {
        if (instance != null) {
            return instance;
        }
        if (failure != null) {
            throw new IllegalStateException("shared regions failed to start earlier in this JVM", failure);
        }
        Path workDir = workDirectory();
        try {
            // TLS with client certificates and the deployment's ACLs, as a deployment runs: every test on the
            // shared stack runs the pipeline under them (its own clients as the admin).
            LocalRegions regions = LocalRegions.builder(DEMO_REGIONS, workDir)
                    .security(LocalSecurity.tls(workDir.resolve("certs"))).start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> shutdown(regions, workDir),
                    "maia-shared-regions-shutdown"));
            instance = regions;
            return regions;
        } catch (RuntimeException e) {
            failure = e;
            deleteQuietly(workDir);
            throw e;
        }
    }

    /**
     * Registers something that runs on the shared stack (region processes) to be stopped at JVM exit
     * before the stack: stopped after it, its clients would wait on brokers that are gone, and the exit
     * would outlast surefire's patience.
     */
    public static synchronized void stopBeforeStack(Runnable stop) {
        users.push(stop);
    }

    private static void shutdown(LocalRegions regions, Path workDir) {
        log.info("JVM exit: stopping shared regions");
        Runnable user;
        while ((user = pollUser()) != null) {
            try {
                user.run();
            } catch (RuntimeException e) {
                log.warn("Stopping a user of the shared regions failed", e);
            }
        }
        regions.close();
        deleteQuietly(workDir);
    }

    private static synchronized Runnable pollUser() {
        return users.poll();
    }

    private static Path workDirectory() {
        try {
            Path target = Path.of("target");
            if (Files.isDirectory(target)) {
                return Files.createDirectories(target.resolve("local-regions")
                        .resolve(Long.toString(ProcessHandle.current().pid()))).toAbsolutePath();
            }
            return Files.createTempDirectory("maia-local-regions-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a work directory for the shared regions", e);
        }
    }

    private static void deleteQuietly(Path dir) {
        try {
            LocalKafkaCluster.deleteRecursively(dir);
        } catch (IOException | RuntimeException e) {
            log.warn("could not delete {}: {}", dir, e.toString());
        }
    }
}
