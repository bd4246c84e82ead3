package dev.maia.control.security;

import dev.maia.schemas.wal.WalTopics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The ACLs of a deployment, deny by default (KRaft's {@code StandardAuthorizer} with
 * {@code allow.everyone.if.no.acl.found=false}): what each principal ({@link Principals}) may do in a
 * region's cluster and in the control cluster, as a list of bindings to create. One place says who may
 * write what:
 * <ul>
 *   <li>a region's service owns its cluster's local topics ({@code maia.*}: its WAL, positions, DLQ,
 *       conflicts) and only reads (and, for data locality, deletes) the copies MM2 made
 *       ({@code <source>.*}); it cannot write them, so it cannot forge another region's log;</li>
 *   <li>MirrorMaker 2 reads what it copies ({@code maia.wal.*}, {@code maia.positions}, its heartbeats)
 *       and writes only its copies ({@code <source>.*}: the mirrored logs, heartbeats and checkpoints) and
 *       its own {@code mm2-*} topics and groups; it cannot write any local log;</li>
 *   <li>another region's service reads this region's logs ({@code maia.wal.*}) for its lag probe, and
 *       writes nothing here;</li>
 *   <li>the monitor reads and describes everything and writes nothing;</li>
 *   <li>in the control cluster every region appends to the control log (that is how placements change,
 *       as conditional appends), MM2 only reads it.</li>
 * </ul>
 * The brokers and the admin are super users (broker settings), outside these lists.
 */
public final class AclPlan {

    private static final String LOCAL = "maia.";
    private static final String CLIENT_IDS = "maia-";
    private static final String MIRROR_INTERNAL = "mm2-";
    private static final String HEARTBEATS = "heartbeats";

    private AclPlan() {
    }

    /** The bindings of {@code region}'s own cluster in a deployment of {@code regions}. */
    public static List<AclBinding> regionCluster(String region, List<String> regions) {
        requireRegion(region, regions);
        List<AclBinding> b = new ArrayList<>();
        String service = Principals.region(region);
        allow(b, service, prefixed(ResourceType.TOPIC, LOCAL), AclOperation.ALL);
        allow(b, service, prefixed(ResourceType.GROUP, CLIENT_IDS), AclOperation.ALL);
        allow(b, service, prefixed(ResourceType.TRANSACTIONAL_ID, CLIENT_IDS), AclOperation.WRITE, AclOperation.DESCRIBE);
        allow(b, service, cluster(), AclOperation.DESCRIBE, AclOperation.DESCRIBE_CONFIGS, AclOperation.IDEMPOTENT_WRITE);
        for (String source : regions) {
            if (source.equals(region)) {
                continue;
            }
            // Another region's lag probe reads this region's logs (the age of its oldest unapplied write): read only.
            String peer = Principals.region(source);
            allow(b, peer, prefixed(ResourceType.TOPIC, WalTopics.WAL_PREFIX), AclOperation.READ, AclOperation.DESCRIBE);
            allow(b, peer, cluster(), AclOperation.DESCRIBE);
            ResourcePattern copies = prefixed(ResourceType.TOPIC, source + ".");
            // Delete: a tenant placed away from this region has its copies removed here (data locality).
            allow(b, service, copies, AclOperation.READ, AclOperation.DESCRIBE, AclOperation.DESCRIBE_CONFIGS,
                    AclOperation.DELETE);
            allow(b, Principals.MIRROR, copies, AclOperation.ALL);
        }
        // MirrorMaker 2 as a source: what it copies out of this cluster. As a target: its own topics and
        // the worker groups of the flows into this cluster.
        for (ResourcePattern read : List.of(prefixed(ResourceType.TOPIC, WalTopics.WAL_PREFIX),
                literal(ResourceType.TOPIC, WalTopics.POSITIONS))) {
            allow(b, Principals.MIRROR, read, AclOperation.READ, AclOperation.DESCRIBE, AclOperation.DESCRIBE_CONFIGS);
        }
        allow(b, Principals.MIRROR, literal(ResourceType.TOPIC, HEARTBEATS), AclOperation.ALL);
        allow(b, Principals.MIRROR, prefixed(ResourceType.TOPIC, MIRROR_INTERNAL), AclOperation.ALL);
        allow(b, Principals.MIRROR, prefixed(ResourceType.GROUP, MIRROR_INTERNAL), AclOperation.ALL);
        for (String source : regions) {
            // A dedicated MM2 worker's group is "<source>-mm2".
            if (!source.equals(region)) {
                allow(b, Principals.MIRROR, literal(ResourceType.GROUP, source + "-mm2"), AclOperation.ALL);
            }
        }
        allow(b, Principals.MIRROR, cluster(), AclOperation.DESCRIBE, AclOperation.DESCRIBE_CONFIGS,
                AclOperation.IDEMPOTENT_WRITE);
        monitor(b);
        return b;
    }

    /** The bindings of the control cluster stretched over {@code regions}. */
    public static List<AclBinding> controlCluster(List<String> regions) {
        List<AclBinding> b = new ArrayList<>();
        for (String region : regions) {
            requireRegion(region, regions);
            String service = Principals.region(region);
            allow(b, service, prefixed(ResourceType.TOPIC, LOCAL), AclOperation.ALL);
            allow(b, service, prefixed(ResourceType.GROUP, CLIENT_IDS), AclOperation.ALL);
            allow(b, service, prefixed(ResourceType.TRANSACTIONAL_ID, CLIENT_IDS), AclOperation.WRITE, AclOperation.DESCRIBE);
            allow(b, service, cluster(), AclOperation.DESCRIBE, AclOperation.DESCRIBE_CONFIGS, AclOperation.IDEMPOTENT_WRITE);
        }
        // The placement filter follows the control log.
        allow(b, Principals.MIRROR, prefixed(ResourceType.TOPIC, LOCAL), AclOperation.READ, AclOperation.DESCRIBE);
        allow(b, Principals.MIRROR, prefixed(ResourceType.GROUP, CLIENT_IDS), AclOperation.READ, AclOperation.DESCRIBE,
                AclOperation.DELETE);
        allow(b, Principals.MIRROR, cluster(), AclOperation.DESCRIBE);
        monitor(b);
        return b;
    }

    /** Creates the bindings (creating an existing one again is a no-op, so this can run at every start). */
    public static void apply(Admin admin, List<AclBinding> bindings, long timeoutMs)
            throws InterruptedException, ExecutionException, TimeoutException {
        admin.createAcls(bindings).all().get(timeoutMs, TimeUnit.MILLISECONDS);
    }

    private static void monitor(List<AclBinding> b) {
        allow(b, Principals.MONITOR, literal(ResourceType.TOPIC, ResourcePattern.WILDCARD_RESOURCE),
                AclOperation.READ, AclOperation.DESCRIBE, AclOperation.DESCRIBE_CONFIGS);
        allow(b, Principals.MONITOR, literal(ResourceType.GROUP, ResourcePattern.WILDCARD_RESOURCE), AclOperation.DESCRIBE);
        allow(b, Principals.MONITOR, cluster(), AclOperation.DESCRIBE, AclOperation.DESCRIBE_CONFIGS);
    }

    /**
     * A region named like the local prefix would have copies ({@code maia.maia.wal.*}) that its peers'
     * local-topic ACL covers too: refused rather than leaked.
     */
    private static void requireRegion(String region, List<String> regions) {
        if (!regions.contains(region)) {
            throw new IllegalArgumentException("region " + region + " is not one of " + regions);
        }
        for (String r : regions) {
            if ((r + ".").startsWith(LOCAL)) {
                throw new IllegalArgumentException("region alias '" + r + "' cannot be told apart from local topics ("
                        + LOCAL + "*) by an ACL prefix; choose another alias");
            }
        }
    }

    private static void allow(List<AclBinding> b, String principal, ResourcePattern resource, AclOperation... operations) {
        for (AclOperation op : operations) {
            b.add(new AclBinding(resource, new AccessControlEntry(Principals.user(principal), "*", op, AclPermissionType.ALLOW)));
        }
    }

    private static ResourcePattern prefixed(ResourceType type, String prefix) {
        return new ResourcePattern(type, prefix, PatternType.PREFIXED);
    }

    private static ResourcePattern literal(ResourceType type, String name) {
        return new ResourcePattern(type, name, PatternType.LITERAL);
    }

    private static ResourcePattern cluster() {
        return new ResourcePattern(ResourceType.CLUSTER, "kafka-cluster", PatternType.LITERAL);
    }
}
