package dev.maia.cli;

import dev.maia.apply.ApplyListener;
import dev.maia.schemas.topology.Topology;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;

/** {@code maia serve --config FILE}: one region's producer, apply and read services against existing Kafka. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run one region's write, apply and read services against an existing Kafka cluster.")
final class ServeCommand implements Callable<Integer> {

    @Option(names = "--config", required = true, description = "region YAML (region, bootstrap_servers, http_port, work_dir, keys, ...)")
    Path config;

    @Option(names = "--topology", required = true, description = "topology YAML: every region's name, Kafka and HTTP endpoint")
    Path topology;

    @Override
    public Integer call() throws Exception {
        RegionConfig regionConfig = RegionConfig.load(config, System.getenv());
        CountDownLatch stopped = new CountDownLatch(1);
        try (RegionNode node = RegionNode.start(regionConfig, Topology.load(topology), ApplyListener.NONE)) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                node.close();
                stopped.countDown();
            }));
            System.out.println("maia: region " + node.region() + " serving on " + node.endpoint()
                    + node.managementEndpoint().map(m -> ", management (/metrics, /health) on " + m).orElse("")
                    + " (Ctrl-C to stop)");
            stopped.await();
        }
        return 0;
    }
}
