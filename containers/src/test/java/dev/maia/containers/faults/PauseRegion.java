package dev.maia.containers.faults;

import java.util.List;

/**
 * A region frozen (SIGSTOP through {@code docker pause}): its MAIA process and its broker stop answering
 * without closing a connection, as a long GC pause or a hung VM would look; {@code docker unpause} at heal.
 */
public record PauseRegion(String region) implements Fault {

    private static final List<String> SERVICES = List.of("maia", "kafka");

    @Override
    public String name() {
        return "pause " + region;
    }

    @Override
    public void inject(Docker docker) {
        for (String s : SERVICES) {
            docker.docker("pause", docker.container(s, region));
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
