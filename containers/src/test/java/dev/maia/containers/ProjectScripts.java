package dev.maia.containers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The repository's scripts and the maia CLI as child processes, each with its output in a log file under
 * {@code containers/target/}; a failure names the command and ends with the log's last lines.
 */
final class ProjectScripts {

    /** The repository's root (surefire's {@code maia.root}). */
    static final Path ROOT = Path.of(System.getProperty("maia.root", "..")).toAbsolutePath().normalize();
    static final Path LOGS = ROOT.resolve("containers/target/container-tests");

    private ProjectScripts() {
    }

    /** What a finished command printed, with its exit code. */
    record Result(int exitCode, String output, Duration took) {
    }

    /** Runs {@code compose/<script>}; throws unless it exits 0 within {@code timeout}. */
    static Result compose(String script, Duration timeout) {
        Result r = run(script, List.of(ROOT.resolve("compose").resolve(script).toString()), timeout);
        if (r.exitCode() != 0) {
            throw new IllegalStateException("compose/" + script + " exited " + r.exitCode() + ":\n" + tail(r.output()));
        }
        return r;
    }

    /**
     * {@code maia <args>} in a JVM of its own, from cli/target, as the {@code ./maia} launcher runs it but
     * without its build step (the reactor built it already).
     */
    static Result maia(String name, Duration timeout, String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
                "--add-opens=java.base/java.nio=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
                "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED", "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
                "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
                "-Dchronicle.analytics.disable=true", "-Dchronicle.announcer.disable=true",
                "-Dmaia.log.file=" + LOGS.resolve("maia-" + name + ".log"),
                "-cp", ROOT.resolve("cli/target/maia-cli-0.1.0-SNAPSHOT.jar") + java.io.File.pathSeparator
                        + ROOT.resolve("cli/target/lib") + "/*",
                "dev.maia.cli.MaiaCommand"));
        command.addAll(List.of(args));
        return run("maia-" + name, command, timeout);
    }

    /** Runs {@code command}, its output in {@code <name>.out}; throws if it does not finish within {@code timeout}. */
    static Result run(String name, List<String> command, Duration timeout) {
        long t0 = System.nanoTime();
        try {
            Files.createDirectories(LOGS);
            Path log = LOGS.resolve(name + ".out");
            Process p = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroy();
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
                throw new IllegalStateException(String.join(" ", command) + " did not finish within " + timeout
                        + ":\n" + tail(Files.readString(log)));
            }
            return new Result(p.exitValue(), Files.readString(log), Duration.ofNanos(System.nanoTime() - t0));
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + command, e);
        }
    }

    static String tail(String output) {
        List<String> lines = output.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }
}
