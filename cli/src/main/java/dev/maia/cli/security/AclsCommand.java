package dev.maia.cli.security;

import dev.maia.control.security.AclPlan;
import dev.maia.schemas.http.Json;
import dev.maia.schemas.topology.KafkaSecurity;
import dev.maia.schemas.topology.Topology;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code maia acls apply|list}: the deployment's ACLs ({@link AclPlan}, deny by default) created in a
 * region's cluster or the control cluster, as the admin principal, and read back. Applying is idempotent
 * (an existing binding is not created twice), so it runs at every start of a stack, before MirrorMaker 2
 * and the MAIA processes connect.
 */
@Command(name = "acls", mixinStandardHelpOptions = true,
        description = "Create (apply) or print (list) the deployment's Kafka ACLs in a cluster.",
        subcommands = {AclsCommand.Apply.class, AclsCommand.ListAcls.class})
public final class AclsCommand implements Runnable {

    /** {@code --cluster} that names every cluster of the topology: each region's and the control cluster. */
    static final String ALL = "all";
    static final String CONTROL = "control";

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Options both subcommands share. */
    static final class Target {
        @Option(names = "--topology", required = true, description = "topology YAML: the clusters' bootstrap servers and the regions")
        Path topologyFile;

        @Option(names = "--cluster", required = true, description = "a region's name, `control`, or `all`")
        String cluster;

        @Option(names = "--timeout", defaultValue = "30", description = "seconds to wait for a cluster (default: ${DEFAULT-VALUE})")
        int timeoutSeconds;

        @Option(names = "--json", description = "print JSON")
        boolean json;

        @Mixin
        AdminIdentity identity;

        /** Cluster name to bootstrap servers, in the topology's order, the control cluster last. */
        Map<String, String> clusters(Topology topology) {
            Map<String, String> clusters = new LinkedHashMap<>();
            if (cluster.equals(ALL)) {
                topology.regions().forEach(r -> clusters.put(r.name(), r.bootstrapServers()));
                if (topology.controlBootstrapServers() != null) {
                    clusters.put(CONTROL, topology.controlBootstrapServers());
                }
            } else if (cluster.equals(CONTROL)) {
                clusters.put(CONTROL, topology.requireControl());
            } else {
                clusters.put(cluster, topology.requireRegion(cluster).bootstrapServers());
            }
            return clusters;
        }

        Admin admin(KafkaSecurity security, String bootstrap) {
            Map<String, Object> config = security.clientConfig(bootstrap);
            int ms = (int) TimeUnit.SECONDS.toMillis(timeoutSeconds);
            config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(ms, 15_000));
            config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms);
            config.put(AdminClientConfig.CLIENT_ID_CONFIG, "maia-acls");
            return Admin.create(config);
        }
    }

    static List<AclBinding> plan(Topology topology, String cluster) {
        return cluster.equals(CONTROL) ? AclPlan.controlCluster(topology.regionNames())
                : AclPlan.regionCluster(cluster, topology.regionNames());
    }

    @Command(name = "apply", mixinStandardHelpOptions = true,
            description = "Create the deployment's ACLs (AclPlan) in a cluster as the admin principal; existing ones stay.")
    static final class Apply implements Callable<Integer> {
        @Mixin
        Target target;

        @Override
        public Integer call() throws Exception {
            Topology topology = Topology.load(target.topologyFile);
            Map<String, String> clusters = target.clusters(topology);
            // Every plan first: a topology AclPlan refuses is refused before any cluster is touched.
            Map<String, List<AclBinding>> plans = new LinkedHashMap<>();
            clusters.keySet().forEach(c -> plans.put(c, plan(topology, c)));
            KafkaSecurity security = target.identity.security();
            List<Map<String, Object>> rows = new ArrayList<>();
            for (Map.Entry<String, String> c : clusters.entrySet()) {
                List<AclBinding> bindings = plans.get(c.getKey());
                try (Admin admin = target.admin(security, c.getValue())) {
                    AclPlan.apply(admin, bindings, TimeUnit.SECONDS.toMillis(target.timeoutSeconds));
                }
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("cluster", c.getKey());
                row.put("bootstrap_servers", c.getValue());
                row.put("bindings", bindings.size());
                row.put("principals", bindings.stream().map(b -> b.entry().principal()).distinct().sorted().toList());
                rows.add(row);
            }
            PrintStream out = System.out;
            if (target.json) {
                out.println(Json.write(rows));
            } else {
                out.printf("%-12s %-50s %8s  %s%n", "CLUSTER", "BOOTSTRAP", "BINDINGS", "PRINCIPALS");
                for (Map<String, Object> r : rows) {
                    out.printf("%-12s %-50s %8d  %s%n", r.get("cluster"), r.get("bootstrap_servers"), r.get("bindings"),
                            String.join(",", castList(r.get("principals"))));
                }
            }
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Print the ACLs a cluster holds.")
    static final class ListAcls implements Callable<Integer> {
        @Mixin
        Target target;

        @Override
        public Integer call() throws Exception {
            Topology topology = Topology.load(target.topologyFile);
            Map<String, String> clusters = target.clusters(topology);
            KafkaSecurity security = target.identity.security();
            List<Map<String, Object>> rows = new ArrayList<>();
            for (Map.Entry<String, String> c : clusters.entrySet()) {
                List<AclBinding> bindings;
                try (Admin admin = target.admin(security, c.getValue())) {
                    bindings = new ArrayList<>(admin.describeAcls(AclBindingFilter.ANY).values()
                            .get(target.timeoutSeconds, TimeUnit.SECONDS));
                }
                bindings.sort(Comparator.comparing((AclBinding b) -> b.entry().principal())
                        .thenComparing(b -> b.pattern().resourceType().toString())
                        .thenComparing(b -> b.pattern().name())
                        .thenComparing(b -> b.entry().operation().toString()));
                for (AclBinding b : bindings) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("cluster", c.getKey());
                    row.put("principal", b.entry().principal());
                    row.put("permission", b.entry().permissionType().toString());
                    row.put("operation", b.entry().operation().toString());
                    row.put("resource_type", b.pattern().resourceType().toString());
                    row.put("pattern_type", b.pattern().patternType().toString());
                    row.put("resource", b.pattern().name());
                    row.put("host", b.entry().host());
                    rows.add(row);
                }
            }
            PrintStream out = System.out;
            if (target.json) {
                out.println(Json.write(rows));
            } else {
                String format = "%-10s %-26s %-6s %-17s %-16s %-9s %-24s %s%n";
                out.printf(format, "CLUSTER", "PRINCIPAL", "PERM", "OPERATION", "RESOURCE_TYPE", "PATTERN", "RESOURCE", "HOST");
                for (Map<String, Object> r : rows) {
                    out.printf(format, r.get("cluster"), r.get("principal"), r.get("permission"), r.get("operation"),
                            r.get("resource_type"), r.get("pattern_type"), r.get("resource"), r.get("host"));
                }
                if (rows.isEmpty()) {
                    out.println("(no ACLs: with the deployment's brokers, only the super users can do anything)");
                }
            }
            return 0;
        }
    }

    @SuppressWarnings("unchecked")
    private static List<String> castList(Object o) {
        return (List<String>) o;
    }
}
