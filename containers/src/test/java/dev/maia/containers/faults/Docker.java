package dev.maia.containers.faults;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The docker CLI (and compose/wan) as child processes against the engine the tests use (DOCKER_HOST, set by
 * surefire); containers are named as compose names them: {@code maia_<service>-<region>_1}.
 */
public final class Docker {

    private static final Logger log = LoggerFactory.getLogger(Docker.class);
    private final Path root;
    private final String project = System.getenv().getOrDefault("MAIA_COMPOSE_PROJECT", "maia");

    public Docker(Path root) {
        this.root = root;
    }

    public String container(String service, String region) {
        return project + "_" + service + "-" + region + "_1";
    }

    public String network(String name) {
        return project + "_" + name;
    }

    /** Runs {@code docker <args>}; throws unless it exits 0 within a minute; answers its output. */
    public String docker(String... args) {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(List.of(args));
        return run(command);
    }

    /** {@code compose/wan cut|heal REGION}. */
    public void wan(String action, String region) {
        run(List.of(root.resolve("compose/wan").toString(), action, region));
    }

    /** Waits until the container's healthcheck says healthy (a restarted region takes 20-60 s here). */
    public void awaitHealthy(String container, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String status = "";
        while (System.nanoTime() < deadline) {
            status = docker("inspect", "-f", "{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}",
                    container).strip();
            if (status.equals("healthy")) {
                return;
            }
            Thread.sleep(1000);
        }
        // The stack goes down with the failure: what the container said is kept in the failure itself.
        String logs = docker("logs", "--tail", "80", container).strip();
        throw new IllegalStateException(container + " not healthy within " + timeout + " (" + status + ")\nlast healthchecks: "
                + docker("inspect", "-f", "{{if .State.Health}}{{json .State.Health.Log}}{{end}}", container).strip()
                + "\nlast log lines:\n" + logs + "\nthread dump:\n" + threadDump(container));
    }

    /**
     * What the container's JVM waits on: a restarted region once printed nothing for 5 minutes. The JVM is
     * PID 1 (the image's scripts exec it), and SIGQUIT makes it print its threads to its output.
     */
    private String threadDump(String container) throws InterruptedException {
        try {
            docker("kill", "-s", "QUIT", container);
            Thread.sleep(2000);
            return docker("logs", "--tail", "400", container).strip();
        } catch (RuntimeException e) {
            return "(none: " + e.getMessage() + ")";
        }
    }

    /**
     * What a MirrorMaker container says of itself: its {@code /health} (which tasks do not run) and its last
     * ERROR lines, the checkpoint connector's retries left out (they repeat every minute and mean nothing here).
     * For a failure's message: the stack goes down with it.
     */
    public String mirrorDiagnosis(String container) {
        String health;
        try {
            health = docker("exec", container, "bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/9464 && "
                    + "printf 'GET /health HTTP/1.0\\r\\n\\r\\n' >&3 && tail -1 <&3").strip();
        } catch (IllegalStateException e) {
            health = e.getMessage();
        }
        List<String> errors = docker("logs", "--tail", "3000", container).lines()
                .filter(l -> l.contains(" ERROR ") && !l.contains("MirrorCheckpointConnector"))
                .map(l -> l.length() > 300 ? l.substring(0, 300) : l).toList();
        return container + " /health " + health + "\n  " + String.join("\n  ", errors.subList(Math.max(0, errors.size() - 8), errors.size()));
    }

    private String run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish within 60 s");
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited " + p.exitValue() + ": " + text.strip());
            }
            log.debug("{}: {}", String.join(" ", command), text.strip());
            return text;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + command, e);
        }
    }
}
