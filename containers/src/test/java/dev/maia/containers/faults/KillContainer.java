package dev.maia.containers.faults;

import java.util.List;

/**
 * kill -9 of one service of a region ({@code docker kill -s KILL}), started again at heal: a MAIA region
 * process ({@code maia}), its broker ({@code kafka}) or the MirrorMaker 2 of the flows into it ({@code mm2}).
 */
public record KillContainer(String service, String region) implements Fault {

    @Override
    public String name() {
        return "kill-" + service + " " + region;
    }

    @Override
    public void inject(Docker docker) {
        docker.docker("kill", "-s", "KILL", docker.container(service, region));
    }

    @Override
    public void heal(Docker docker) {
        String c = docker.container(service, region);
        if (!docker.docker("inspect", "-f", "{{.State.Running}}", c).strip().equals("true")) {
            docker.docker("start", c);
        }
    }

    @Override
    public List<String> containers(Docker docker) {
        return List.of(docker.container(service, region));
    }
}
