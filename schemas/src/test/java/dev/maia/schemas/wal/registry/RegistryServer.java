package dev.maia.schemas.wal.registry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Apicurio Registry (in-memory H2) run as a child JVM from the runner jar that the build unpacks
 * into target/ (system property {@code apicurio.registry.app.jar}), bound to 127.0.0.1 on free ports.
 * {@link #close()} stops it; a shutdown hook does too if the test JVM dies first.
 */
final class RegistryServer implements AutoCloseable {
    static final String JAR_PROPERTY = "apicurio.registry.app.jar";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final Process process;
    private final Thread shutdownHook;
    private final int httpPort;
    private final Path log;
    private final Duration startTime;

    private RegistryServer(Process process, Thread shutdownHook, int httpPort, Path log, Duration startTime) {
        this.process = process;
        this.shutdownHook = shutdownHook;
        this.httpPort = httpPort;
        this.log = log;
        this.startTime = startTime;
    }

    static RegistryServer start() throws IOException, InterruptedException {
        String jarProperty = System.getProperty(JAR_PROPERTY);
        if (jarProperty == null || !Files.isRegularFile(Paths.get(jarProperty))) {
            throw new IllegalStateException("Apicurio Registry runner jar not found (" + JAR_PROPERTY + "=" + jarProperty
                    + "); run the tests through Maven, whose process-test-resources phase unpacks it");
        }
        Path jar = Paths.get(jarProperty).toAbsolutePath();
        int httpPort = freePort();
        int managementPort = freePort();
        Path log = jar.getParent().resolveSibling("apicurio-registry-" + httpPort + ".log");
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java,
                "-Xms64m", "-Xmx512m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss512k",
                "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + httpPort,
                "-Dquarkus.management.host=127.0.0.1", "-Dquarkus.management.port=" + managementPort,
                "-jar", jar.toString()));
        long t0 = System.nanoTime();
        Process process = new ProcessBuilder(command)
                .directory(jar.getParent().toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        Thread hook = new Thread(() -> stop(process), "apicurio-registry-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            awaitReady(process, httpPort, managementPort, log);
        } catch (IOException | InterruptedException | RuntimeException e) {
            stop(process);
            removeHook(hook);
            throw e;
        }
        return new RegistryServer(process, hook, httpPort, log, Duration.ofNanos(System.nanoTime() - t0));
    }

    /** The URL the serde is configured with. */
    String url() {
        return "http://127.0.0.1:" + httpPort + "/apis/registry/v2";
    }

    Duration startTime() {
        return startTime;
    }

    @Override
    public void close() {
        stop(process);
        removeHook(shutdownHook);
    }

    private static void awaitReady(Process process, int httpPort, int managementPort, Path log)
            throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        // 3.0.x serves health on the main port; newer ones may move it to the management port.
        List<URI> probes = List.of(URI.create("http://127.0.0.1:" + httpPort + "/health/ready"),
                URI.create("http://127.0.0.1:" + managementPort + "/health/ready"));
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Apicurio Registry exited with " + process.exitValue()
                        + " before it was ready; log " + log + ":\n" + tail(log));
            }
            for (URI probe : probes) {
                try {
                    HttpResponse<Void> r = client.send(HttpRequest.newBuilder(probe).timeout(Duration.ofSeconds(2)).build(),
                            HttpResponse.BodyHandlers.discarding());
                    if (r.statusCode() == 200) {
                        return;
                    }
                } catch (IOException notYet) {
                    // not listening yet
                }
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("Apicurio Registry not ready within " + START_TIMEOUT + "; log " + log + ":\n" + tail(log));
    }

    private static void stop(Process process) {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
