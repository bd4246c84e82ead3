package dev.maia.containers.faults;

import java.util.List;

/**
 * A region cut off the others ({@code compose/wan cut}: its kafka, control node, MM2 and MAIA process leave
 * the {@code wan} network); the host still reaches it, so clients keep writing to it. {@code compose/wan heal}.
 */
public record CutRegion(String region) implements Fault {

    private static final List<String> SERVICES = List.of("kafka", "control", "mm2", "maia");

    @Override
    public String name() {
        return "cut " + region;
    }

    @Override
    public void inject(Docker docker) {
        docker.wan("cut", region);
    }

    /** Service by service (not compose/wan heal, which stops at the first one still on wan after a half cut). */
    @Override
    public void heal(Docker docker) {
        for (String s : SERVICES) {
            String c = docker.container(s, region);
            String networks = docker.docker("inspect", "-f", "{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}", c);
            if (!List.of(networks.strip().split(" ")).contains(docker.network("wan"))) {
                docker.docker("network", "connect", "--alias", s + "-" + region, docker.network("wan"), c);
            }
        }
    }

    @Override
    public List<String> containers(Docker docker) {
        return SERVICES.stream().map(s -> docker.container(s, region)).toList();
    }
}
