package dev.maia.containers.faults;

import java.util.List;

/**
 * A region frozen (SIGSTOP through {@code docker pause}): its MAIA process and its broker stop answering
 * without closing a connection, as a long GC pause or a hung VM would look; {@code docker unpause} at heal.
 */
public record PauseRegion(String region) implements Fault {

    private static final List<String> SERVICES = List.of("maia", "kafka");
    private static final int PAUSE_ATTEMPTS = 5;

    @Override
    public String name() {
        return "pause " + region;
    }

    @Override
    public void inject(Docker docker) {
        for (String s : SERVICES) {
            pause(docker, docker.container(s, region));
        }
    }

    /**
     * The cgroup freezer gives up ("unable to freeze") when a process sits in uninterruptible disk I/O, as a
     * broker flushing its log does now and then; a second try a moment later freezes it.
     */
    private static void pause(Docker docker, String container) {
        for (int attempt = 1; ; attempt++) {
            try {
                docker.docker("pause", container);
                return;
            } catch (IllegalStateException e) {
                if (attempt == PAUSE_ATTEMPTS || !e.getMessage().contains("unable to freeze")) {
                    throw e;
                }
                try {
                    Thread.sleep(500);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    @Override
    public void heal(Docker docker) {
        for (String s : SERVICES) {
            String c = docker.container(s, region);
            if (docker.docker("inspect", "-f", "{{.State.Paused}}", c).strip().equals("true")) {
                docker.docker("unpause", c);
            }
        }
    }

    @Override
    public List<String> containers(Docker docker) {
        return SERVICES.stream().map(s -> docker.container(s, region)).toList();
    }
}
