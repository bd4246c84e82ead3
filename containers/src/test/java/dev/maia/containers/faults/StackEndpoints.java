package dev.maia.containers.faults;

import dev.maia.schemas.topology.KafkaSecurity;
import dev.maia.schemas.topology.Topology;

import java.nio.file.Path;
import java.util.List;

/**
 * The compose stack as the host reaches it, from the topology compose/up writes ({@code compose/.certs/topology.yaml}:
 * each region's API and Kafka on 127.0.0.1, the admin key, and the admin's TLS settings for Kafka).
 */
public record StackEndpoints(Topology topology, Path topologyFile, String registryUrl, String metricsKey) {

    /** The stack's fixed registry port and metrics key (compose/README.md, docker-compose.yml). */
    public static StackEndpoints load(Path topologyFile) {
        return new StackEndpoints(Topology.load(topologyFile), topologyFile, "http://127.0.0.1:20081/apis/registry/v2",
                "compose-demo-metrics-key-not-secret");
    }

    public List<String> regions() {
        return topology.regionNames();
    }

    public String api(String region) {
        return topology.requireRegion(region).endpoint();
    }

    public String bootstrap(String region) {
        return topology.requireRegion(region).bootstrapServers();
    }

    /** The management listener (/metrics, /health): compose publishes region N's 8080 as 2N080 and 9464 as 2N464. */
    public String management(String region) {
        return api(region).replace("080", "464");
    }

    public String adminKey() {
        return topology.adminKey();
    }

    public KafkaSecurity kafkaSecurity() {
        return topology.requireKafkaSecurity();
    }

    /** Whether the stack has a region of that name (a 307's X-MAIA-Primary-Region). */
    public boolean has(String region) {
        return region != null && topology.region(region).isPresent();
    }
}
