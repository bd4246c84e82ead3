package dev.maia.mirror;

import dev.maia.schemas.topology.KafkaSecurity;
import dev.maia.schemas.topology.RegionSpec;
import dev.maia.schemas.topology.Topology;
import dev.maia.schemas.wal.WalTopics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Generates the MirrorMaker 2 dedicated-mode configuration of a deployment from its {@link Topology}:
 * one cluster alias per region, one enabled flow per ordered pair of regions (full mesh),
 * {@code DefaultReplicationPolicy} (its {@code <source>.} prefixes are what prevents cycles).
 *
 * <p>Key forms matter and were verified on this machine (see FACTS.md):
 * <ul>
 *   <li>every replication factor MM2 and its Connect workers use must be set, or MM2 silently never
 *       replicates on single-broker clusters;</li>
 *   <li>{@code plugin.discovery} works at top level and per cluster alias, not per flow;</li>
 *   <li>transforms and predicates only reach MirrorSourceConnector when flow-prefixed
 *       ({@code a->b.transforms}); unprefixed breaks every connector, cluster-prefixed is ignored;</li>
 *   <li>the placement-aware topic filter is flow-prefixed too ({@code a->b.topic.filter.class}), and must
 *       be on the JVM classpath (MM2 does not find a TopicFilter on {@code plugin.path});</li>
 *   <li>client overrides are per cluster alias: {@code <alias>.producer.*} configures the producers that
 *       write into that cluster (the target side of a flow), {@code <alias>.consumer.*} the consumers that
 *       read from it (the source side); worker settings such as {@code offset.flush.interval.ms} are
 *       per alias too (the worker of a flow belongs to its target cluster).</li>
 *   <li>security is per cluster alias too: {@code <alias>.security.protocol} and {@code <alias>.ssl.*} reach
 *       every client MM2 makes for that cluster (its connectors' consumers, producers and admins, the
 *       worker's internal topics, and, through {@code source.cluster.*} / {@code target.cluster.*}, what
 *       the placement filter's history reset writes); one identity, MM2's own certificate
 *       ({@link MirrorOptions#kafkaSecurity()}), for every cluster. The placement filter's reader of the
 *       control cluster gets it flow-prefixed ({@link PlacementTopicFilter#CONTROL_CLIENT_PREFIX}).</li>
 * </ul>
 */
public final class MirrorConfig {

    /** MM2's default replication policy: a copy of {@code t} from region {@code r} is named {@code r.t}. */
    public static final String REPLICATION_POLICY = "org.apache.kafka.connect.mirror.DefaultReplicationPolicy";
    /** The Connect predicate that limits the origin-offset transform to WAL topics. */
    public static final String TOPIC_NAME_MATCHES = "org.apache.kafka.connect.transforms.predicates.TopicNameMatches";
    /** Transform and predicate aliases used in the flow-prefixed keys. */
    public static final String TRANSFORM_ALIAS = "originOffset";
    /** MM2's key (per flow) naming the {@code org.apache.kafka.connect.mirror.TopicFilter} to use. */
    public static final String TOPIC_FILTER_CLASS = "topic.filter.class";
    public static final String PREDICATE_ALIAS = "walTopic";

    /**
     * Which source topics may flow at all: every tenant's local WAL plus positions. Anchored
     * (DefaultTopicFilter uses {@code matches()}), so a mirrored copy such as {@code us-west.maia.wal.t} does
     * not match and is never forwarded to a third region or back. With the placement filter on, MM2 no
     * longer reads {@code topics} itself ({@code topic.filter.class} replaces DefaultTopicFilter);
     * {@link PlacementTopicFilter} applies it as a first-line allow-list before its placement rule.
     */
    public static final String TOPICS_REGEX = WalTopics.LOCAL_WAL_REGEX + "|" + regexLiteral(WalTopics.POSITIONS);

    /**
     * The replication-factor keys MM2 needs; all of them, or nothing is mirrored on one broker. Each takes
     * -1 for the target cluster's default (MM2 4.3.1 passes it to {@code NewTopic} as is, Connect's
     * storage keys document it), so {@link MirrorOptions#REPLICATION_FACTOR} sets them all.
     */
    public static final List<String> REPLICATION_FACTOR_KEYS = List.of(
            "replication.factor",
            "checkpoints.topic.replication.factor",
            "heartbeats.topic.replication.factor",
            "offset-syncs.topic.replication.factor",
            "offset.storage.replication.factor",
            "status.storage.replication.factor",
            "config.storage.replication.factor");

    private MirrorConfig() {
    }

    /** The configuration as MM2 takes it in-process ({@code new MirrorMaker(map)}), sorted by key. */
    public static Map<String, String> generate(Topology topology, MirrorOptions options) {
        Objects.requireNonNull(topology, "topology");
        Objects.requireNonNull(options, "options");
        Map<String, String> c = new LinkedHashMap<>();
        List<RegionSpec> regions = topology.regions();

        c.put("clusters", String.join(",", topology.regionNames()));
        // Halves MM2 start-up (17 s to 8 s here): no reflective scan of the whole classpath.
        c.put("plugin.discovery", "service_load");
        c.put("replication.policy.class", REPLICATION_POLICY);
        c.put("topics", TOPICS_REGEX);

        String rf = Short.toString(options.replicationFactor());
        REPLICATION_FACTOR_KEYS.forEach(k -> c.put(k, rf));

        c.put("tasks.max", Integer.toString(options.tasksMax()));
        c.put("refresh.topics.enabled", "true");
        c.put("refresh.topics.interval.seconds", Long.toString(options.refreshTopicsIntervalSeconds()));
        c.put("sync.topic.configs.enabled", "true");
        c.put("sync.topic.configs.interval.seconds", Long.toString(options.syncTopicConfigsIntervalSeconds()));
        c.put("emit.heartbeats.enabled", "true");
        c.put("emit.heartbeats.interval.seconds", Long.toString(options.emitHeartbeatsIntervalSeconds()));
        // Consumer groups are never failed over between regions: the apply side keeps its own positions.
        // Offset syncs stay on although nothing reads them: with emit.offset-syncs.enabled=false, MM2 4.3.1
        // rejects the source connector ("can't setup offset-syncs feature") as soon as any offset-syncs.*
        // key is set, and offset-syncs.topic.replication.factor must be set on single-broker clusters.
        // Checkpoints stay on, rarely: with emit.checkpoints.enabled=false MM2 4.3.1 refuses to configure
        // the checkpoint connector and logs an ERROR per flow at every start; nothing here reads them.
        c.put("emit.checkpoints.enabled", "true");
        c.put("emit.checkpoints.interval.seconds", "60");
        c.put("sync.group.offsets.enabled", "false");
        c.put("refresh.groups.enabled", "false");
        // No authorizer on these clusters (yet): syncing ACLs would only log errors every interval.
        c.put("sync.topic.acls.enabled", "false");

        Map<String, String> security = strings(options.kafkaSecurity().clientProperties());
        for (RegionSpec r : regions) {
            String a = r.name() + ".";
            c.put(a + "bootstrap.servers", r.bootstrapServers());
            security.forEach((k, v) -> c.put(a + k, v));
            c.put(a + "plugin.discovery", "service_load");
            // Producers writing into this cluster (it is the target): send at once, latency over batching.
            c.put(a + "producer.linger.ms", Long.toString(options.producerLingerMs()));
            // Consumers reading from this cluster (it is the source): the fetch returns as soon as a byte
            // is there (fetch.min.bytes=1); a short max wait only bounds idle long-polls.
            c.put(a + "consumer.fetch.max.wait.ms", Integer.toString(options.consumerFetchMaxWaitMs()));
            // Batches are appended in transactions: an aborted batch must never be copied to another region.
            c.put(a + "consumer.isolation.level", "read_committed");
            // Worker settings of the flows that target this cluster: commit source offsets often so a
            // restart re-sends little, and do not hold back reassignment after a worker restart.
            c.put(a + "offset.flush.interval.ms", Long.toString(options.offsetFlushIntervalMs()));
            c.put(a + "scheduled.rebalance.max.delay.ms", "0");
        }

        for (RegionSpec source : regions) {
            for (RegionSpec target : regions) {
                if (source.name().equals(target.name())) {
                    continue;
                }
                String flow = flowPrefix(source.name(), target.name());
                c.put(flow + "enabled", "true");
                if (options.originOffsetHeader()) {
                    putOriginOffsetTransform(c, flow, source.name());
                }
                if (options.placementFilter()) {
                    // Flow-prefixed like every plugin key. It replaces MM2's DefaultTopicFilter; the filter
                    // applies `topics` / `topics.exclude` itself as a first-line allow-list.
                    c.put(flow + TOPIC_FILTER_CLASS, PlacementTopicFilter.class.getName());
                    c.put(flow + PlacementTopicFilter.CONTROL_BOOTSTRAP_CONFIG, topology.requireControl());
                    security.forEach((k, v) -> c.put(flow + PlacementTopicFilter.CONTROL_CLIENT_PREFIX + k, v));
                }
            }
        }
        c.putAll(options.extraProperties());
        return new TreeMap<>(c);
    }

    private static Map<String, String> strings(Map<String, Object> clientProperties) {
        Map<String, String> out = new TreeMap<>();
        clientProperties.forEach((k, v) -> out.put(k, v == null ? "" : v.toString()));
        return out;
    }

    /** {@code "us-west->eu-central."}: the prefix MM2 reads per replication flow. */
    public static String flowPrefix(String source, String target) {
        return source + "->" + target + ".";
    }

    /**
     * The pattern the predicate tests. The transform runs after MM2 renamed the record's topic, so it
     * sees the remote name ({@code us-west.maia.wal.t}), not the source name.
     */
    public static String mirroredWalRegex(String sourceRegion) {
        return regexLiteral(sourceRegion + ".") + WalTopics.LOCAL_WAL_REGEX;
    }

    private static void putOriginOffsetTransform(Map<String, String> c, String flow, String sourceRegion) {
        String t = flow + "transforms." + TRANSFORM_ALIAS + ".";
        String p = flow + "predicates." + PREDICATE_ALIAS + ".";
        c.put(flow + "transforms", TRANSFORM_ALIAS);
        c.put(t + "type", SourceOffsetHeaderTransform.class.getName());
        c.put(t + "predicate", PREDICATE_ALIAS);
        c.put(flow + "predicates", PREDICATE_ALIAS);
        c.put(p + "type", TOPIC_NAME_MATCHES);
        c.put(p + "pattern", mirroredWalRegex(sourceRegion));
    }

    /** Escapes the regex metacharacters of a topic or region name ({@code .} and {@code -} here). */
    static String regexLiteral(String name) {
        StringBuilder sb = new StringBuilder(name.length() + 8);
        for (char ch : name.toCharArray()) {
            if ("\\.[]{}()*+?^$|".indexOf(ch) >= 0) {
                sb.append('\\');
            }
            sb.append(ch);
        }
        return sb.toString();
    }

    /**
     * Renders the configuration as a {@code .properties} file that {@code connect-mirror-maker.sh} and
     * {@link java.util.Properties#load} read back to exactly the same map: backslashes (in the regexes)
     * are doubled, separators and comment characters escaped, non-ASCII as {@code \}{@code uXXXX}.
     */
    public static String toProperties(Map<String, String> config) {
        StringBuilder sb = new StringBuilder();
        sb.append("# MirrorMaker 2 dedicated mode, generated by dev.maia.mirror.MirrorConfig: do not edit.\n");
        for (Map.Entry<String, String> e : new TreeMap<>(config).entrySet()) {
            sb.append(escape(e.getKey(), true)).append('=').append(escape(e.getValue(), false)).append('\n');
        }
        return sb.toString();
    }

    /** Writes {@link #toProperties} atomically (temp file, then rename) so MM2 never reads half a file. */
    public static void writeProperties(Map<String, String> config, Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, toProperties(config), StandardCharsets.ISO_8859_1);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String escape(String s, boolean key) {
        StringBuilder sb = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '\\' -> sb.append("\\\\");
                case '\t' -> sb.append("\\t");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\f' -> sb.append("\\f");
                case '=', ':', '#', '!' -> sb.append('\\').append(ch);
                case ' ' -> sb.append(key || i == 0 ? "\\ " : " ");
                default -> {
                    if (ch < 0x20 || ch > 0x7e) {
                        sb.append(String.format("\\u%04X", (int) ch));
                    } else {
                        sb.append(ch);
                    }
                }
            }
        }
        return sb.toString();
    }
}
