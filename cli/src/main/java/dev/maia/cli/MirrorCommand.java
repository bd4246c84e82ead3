package dev.maia.cli;

import dev.maia.mirror.MirrorConfig;
import dev.maia.mirror.MirrorOptions;
import dev.maia.mirror.MirrorSupervisor;
import dev.maia.schemas.topology.Topology;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code maia mirror --topology FILE [--mirror-config FILE] [--target REGION]}: MirrorMaker 2 for every
 * ordered pair of the topology's regions (with {@code --target}, only the flows into those regions: one
 * mirror per region, as the compose stack runs it), in this JVM, until Ctrl-C; with {@code --properties-out FILE} it only writes the
 * generated MM2 configuration. Its tunables ({@link MirrorOptions}) come from the optional YAML file and
 * {@code MAIA_<KEY>} variables, read like a region's ({@link ConfigYaml}, {@link EnvironmentOverrides}).
 */
@Command(name = "mirror", mixinStandardHelpOptions = true,
        description = {"Run MirrorMaker 2 between every pair of the topology's regions until Ctrl-C.",
                "Tenant WALs flow by placement (a single-region tenant never leaves its region); placements "
                        + "and positions flow everywhere.",
                "Its settings (mirror_replication_factor, intervals, ...) come from --mirror-config and MAIA_<KEY> "
                        + "variables; see docs/configuration.md.",
                "With --properties-out, write the generated MM2 configuration instead of running it (for "
                        + "connect-mirror-maker.sh: put the maia-mirror-config jar on its classpath, the "
                        + "placement filter is not found on plugin.path)."})
final class MirrorCommand implements Callable<Integer> {

    /**
     * Exactly one of them. DESIGN.md's command table, the contract scripts rely on, spells it
     * {@code maia mirror --config FILE}, so that stays the topology and the mirror's own file is
     * {@code --mirror-config}.
     */
    static final class TopologyFile {
        @Option(names = "--topology", required = true, paramLabel = "FILE",
                description = "topology YAML: every region's name and Kafka bootstrap servers")
        Path topology;

        @Option(names = "--config", required = true, hidden = true, paramLabel = "FILE",
                description = "same as --topology")
        Path config;

        Path file() {
            return topology != null ? topology : config;
        }
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    TopologyFile topologyFile;

    @Option(names = "--mirror-config", paramLabel = "FILE",
            description = "YAML of MirrorMaker 2 settings (mirror_replication_factor, ..., and its own certificate: "
                    + "kafka_security_protocol, kafka_ssl_*; docs/configuration.md); MAIA_<KEY> variables override it, and "
                    + "without either every setting is its default, which for the security is TLS with a keystore to give")
    Path mirrorConfig;

    @Option(names = "--target", split = ",", paramLabel = "REGION",
            description = "run only the flows into these regions (repeat or comma-separate; default: every flow), "
                    + "so that each region can run its own mirror beside its Kafka")
    List<String> targets = List.of();

    @Option(names = "--properties-out", paramLabel = "FILE",
            description = "write the MM2 properties to FILE and exit instead of running MirrorMaker 2")
    Path propertiesOut;

    @Override
    public Integer call() throws Exception {
        Path topology = topologyFile.file();
        Topology t = Topology.load(topology);
        if (t.regions().size() < 2) {
            throw new IllegalArgumentException(topology + ": " + t.regions().size()
                    + " region(s); mirroring needs at least two");
        }
        targets.forEach(t::requireRegion);
        List<String> into = targets.stream().distinct().toList();
        MirrorOptions options = options(mirrorConfig, System.getenv());
        Map<String, String> config = MirrorConfig.generate(t, options);
        int flows = (into.isEmpty() ? t.regions().size() : into.size()) * (t.regions().size() - 1);
        if (propertiesOut != null) {
            MirrorConfig.writeProperties(config, propertiesOut);
            System.out.println("maia: MirrorMaker 2 properties for " + flows + " flows between "
                    + t.regionNames() + " written to " + propertiesOut);
            return 0;
        }

        MirrorSupervisor mirror = MirrorSupervisor.of(config, into, options);
        CountDownLatch stopped = new CountDownLatch(1);
        MirrorManagement management = new MirrorManagement(mirror, options);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                management.close();
                mirror.close();
            } finally {
                stopped.countDown();
            }
        }, "maia-mirror-shutdown"));
        mirror.start();
        management.start();
        System.out.println("maia: mirroring " + flows + " flows between " + t.regionNames()
                + (targets.isEmpty() ? "" : " into " + targets) + management.describe() + " (Ctrl-C to stop)");
        stopped.await();
        return 0;
    }

    /** The mirror's file (none: every key at its default), then the environment's {@code MAIA_<KEY>} over it. */
    static MirrorOptions options(Path file, Map<String, String> env) {
        Map<String, Object> fileValues = file == null ? Map.of() : ConfigYaml.read(file);
        return MirrorOptions.of(EnvironmentOverrides.over(fileValues, MirrorOptions.CONFIG_DEF, env));
    }
}
