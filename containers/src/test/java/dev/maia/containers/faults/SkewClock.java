package dev.maia.containers.faults;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A region process whose wall clock runs {@code seconds} ahead: libfaketime preloaded into its container
 * ({@code /etc/ld.so.preload}, offset from {@code /etc/faketimerc}) and the container restarted; heal removes
 * both and restarts it. The host's clock is never touched. libfaketime comes from the host (Debian's
 * {@code libfaketime} package, the same bookworm build as the image's base); where the host has none the fault
 * cannot run ({@link #available()}).
 */
public record SkewClock(String region, int seconds) implements Fault {

    private static final List<Path> HOST_LIBRARY = List.of(
            Path.of("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1"),
            Path.of("/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1"));
    private static final String IN_CONTAINER = "/opt/maia/libfaketime.so.1";

    public static Optional<Path> hostLibrary() {
        return HOST_LIBRARY.stream().filter(Files::isReadable).findFirst();
    }

    public static boolean available() {
        return hostLibrary().isPresent();
    }

    @Override
    public String name() {
        return "skew-clock " + region + " +" + seconds + "s";
    }

    @Override
    public void inject(Docker docker) {
        String c = docker.container("maia", region);
        Path lib = hostLibrary().orElseThrow(() -> new IllegalStateException("no libfaketime on this host (apt-get install libfaketime)"));
        docker.docker("cp", lib.toString(), c + ":" + IN_CONTAINER);
        docker.docker("exec", c, "sh", "-c", "echo '+" + seconds + "' > /etc/faketimerc && echo " + IN_CONTAINER
                + " > /etc/ld.so.preload");
        docker.docker("restart", "-t", "5", c);
    }

    @Override
    public void heal(Docker docker) {
        String c = docker.container("maia", region);
        if (!docker.docker("inspect", "-f", "{{.State.Running}}", c).strip().equals("true")) {
            docker.docker("start", c);
        }
        String was = docker.docker("exec", c, "sh", "-c",
                "if [ -f /etc/ld.so.preload ]; then rm -f /etc/ld.so.preload /etc/faketimerc; echo skewed; fi");
        if (was.contains("skewed")) {
            docker.docker("restart", "-t", "5", c);
        }
    }

    @Override
    public List<String> containers(Docker docker) {
        return List.of(docker.container("maia", region));
    }
}
