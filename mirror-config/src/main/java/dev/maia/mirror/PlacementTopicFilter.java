package dev.maia.mirror;

import dev.maia.schemas.topology.KafkaSecurity;
import dev.maia.schemas.topology.TopologyException;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.mirror.DefaultTopicFilter;
import org.apache.kafka.connect.mirror.TopicFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * MM2 topic filter that mirrors a tenant's WAL exactly to the regions its placement says hold the tenant
 * (the rule is {@link PlacementTopicRule}); {@code maia.positions} always flows.
 *
 * <p>How MM2 4.3.1 uses it (read from its bytecode and verified with real brokers):
 * <ul>
 *   <li>Configured per flow with flow-prefixed keys: {@code us-west->eu-central.topic.filter.class}.
 *       {@code configure()} receives the flow's connector config: {@code source.cluster.alias},
 *       {@code target.cluster.alias}, {@code source.cluster.bootstrap.servers}, {@code topics}, ...</li>
 *   <li>{@code topic.filter.class} REPLACES {@link DefaultTopicFilter}: MM2 itself then ignores
 *       {@code topics} and {@code topics.exclude} (only DefaultTopicFilter reads them). This filter keeps
 *       them as a first-line allow-list by delegating to a DefaultTopicFilter configured with the same map:
 *       a topic flows only if {@code topics}/{@code topics.exclude} allow it AND the placement rule does.</li>
 *   <li>MM2 asks about every source topic at start and at every {@code refresh.topics.interval.seconds};
 *       a changed answer reconfigures (restarts) the flow's source tasks, ~0.8 s. False again stops
 *       copying new records (the remote copy stays); true again resumes from the committed offset (unless
 *       the target's copy was purged meanwhile: see below); a topic never mirrored before starts from its
 *       beginning (MM2's source consumers use {@code auto.offset.reset=earliest}), so a new holder
 *       receives the tenant's whole history.</li>
 *   <li>{@code heartbeats} is mirrored whatever a filter says; internal topics and cycles are excluded by
 *       MM2 before the filter matters.</li>
 *   <li>MM2 also builds the filter in each flow's MirrorCheckpointConnector and checkpoint tasks; they
 *       share one {@link SharedPlacementViews placement view} per JVM.</li>
 * </ul>
 *
 * <p>Re-adding a region. When a placement stops naming a region, that region's locality purge empties
 * and then deletes its copy {@code <source>.maia.wal.<T>} and forgets the tenant's store entries and
 * positions, but MM2 keeps the flow's committed source offsets (in the target's
 * {@code mm2-offsets.<source>.internal}). Named again, the topic would resume from there and everything
 * before would never reach the region. So, in the source connector only, before a WAL topic is answered
 * "flows" after not flowing (or when first seen), {@link CopyHistoryReset} looks at the target's copy: if
 * it is missing or empty, the topic's committed offsets are tombstoned and acknowledged before the answer
 * is given, and the source task MM2 restarts for the changed topic set starts from the origin log's
 * beginning. Safe both ways: duplicates of what a region still has are skipped by its apply positions
 * (origin offsets), and a copy that holds records is never reset. Checking only on such a transition keeps
 * the filter cheap (it is asked about every topic every refresh); a topic already flowing needs nothing,
 * since its running task would overwrite a reset at its next commit anyway. If the target cannot be asked,
 * the topic is refused for this refresh (fail closed, as for any error here) and asked about again at the
 * next one: answering "flows" would make the gap permanent.
 *
 * <p>Placements are read from the control log ({@code maia.control} on the control cluster,
 * {@value #CONTROL_BOOTSTRAP_CONFIG}), the one every region reads, so a flow follows exactly the placement
 * in effect. Until they are loaded, every tenant WAL is refused (fail closed) and asked about again at the
 * next refresh; {@link #shouldReplicateTopic} never throws.
 */
public final class PlacementTopicFilter implements TopicFilter {

    private static final Logger log = LoggerFactory.getLogger(PlacementTopicFilter.class);

    public static final String SOURCE_ALIAS_CONFIG = "source.cluster.alias";
    public static final String TARGET_ALIAS_CONFIG = "target.cluster.alias";
    /** Where the placements are: the control cluster (flow-prefixed in the MM2 config, set by {@link MirrorConfig}). */
    public static final String CONTROL_BOOTSTRAP_CONFIG = "maia.control.bootstrap.servers";
    /**
     * How the filter reaches the control cluster: MM2's own {@code security.protocol} and {@code ssl.*}
     * under this prefix (flow-prefixed, set by {@link MirrorConfig}). Without them the filter refuses to
     * start: PLAINTEXT only when said.
     */
    public static final String CONTROL_CLIENT_PREFIX = "maia.control.";
    /**
     * How long {@code configure()} (i.e. the connector's start) waits for the placements to load before
     * going on and failing closed until they are; flow-prefixed in the MM2 config like every filter key.
     */
    public static final String LOAD_TIMEOUT_CONFIG = "maia.placement.filter.load.timeout.ms";
    public static final long LOAD_TIMEOUT_DEFAULT_MS = 10_000L;
    /** Bounds each call to the target cluster when checking a re-added topic: the filter runs on MM2's refresh thread. */
    private static final long RESET_TIMEOUT_MS = 5_000L;

    private final Map<String, Boolean> lastDecision = new ConcurrentHashMap<>();
    private TopicFilter allowList;
    private volatile SharedPlacementViews.Handle placements;
    private String source;
    private String target;
    private boolean verbose;
    private volatile boolean warnedNotLoaded;
    private volatile CopyHistoryReset historyReset;

    @Override
    public void configure(Map<String, ?> props) {
        source = required(props, SOURCE_ALIAS_CONFIG);
        target = required(props, TARGET_ALIAS_CONFIG);
        String control = required(props, CONTROL_BOOTSTRAP_CONFIG);
        Object timeoutValue = props.get(LOAD_TIMEOUT_CONFIG);
        long timeoutMs;
        try {
            timeoutMs = timeoutValue == null ? LOAD_TIMEOUT_DEFAULT_MS : Long.parseLong(timeoutValue.toString().trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(LOAD_TIMEOUT_CONFIG, timeoutValue, "must be a whole number of milliseconds");
        }
        // Decision changes are logged at INFO by the source connector (the one that moves data) only.
        Object connectorClass = props.get("connector.class");
        boolean sourceConnector = connectorClass != null && connectorClass.toString().endsWith(MirrorSourceOffsets.SOURCE_CONNECTOR);
        verbose = connectorClass == null || sourceConnector;
        // Only the connector that moves data resets its offsets; the checkpoint side only reads the answers.
        if (sourceConnector && CopyHistoryReset.possible(props)) {
            historyReset = new CopyHistoryReset(props, source, target, Duration.ofMillis(RESET_TIMEOUT_MS));
        }

        DefaultTopicFilter defaults = new DefaultTopicFilter();
        defaults.configure(props);
        allowList = defaults;

        placements = SharedPlacementViews.acquire(control, controlSecurity(props));
        try {
            if (!placements.awaitLoaded(Duration.ofMillis(timeoutMs))) {
                log.warn("placement filter {}->{}: placements not loaded within {} ms; no tenant WAL flows "
                        + "until they are (fail closed, asked again at every topic refresh)", source, target, timeoutMs);
                warnedNotLoaded = true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.debug("placement filter {}->{} configured for {}", source, target, connectorClass);
    }

    @Override
    public boolean shouldReplicateTopic(String topic) {
        try {
            if (placements == null) {
                log.error("placement filter used before configure(): refusing {}", topic);
                return false;
            }
            if (!allowList.shouldReplicateTopic(topic)) {
                return false;
            }
            PlacementTopicRule.Decision d = PlacementTopicRule.decide(topic, source, target, placements);
            if (d.replicate() && !Boolean.TRUE.equals(lastDecision.get(topic)) && !historyReady(topic)) {
                return false;
            }
            record(topic, d);
            return d.replicate();
        } catch (RuntimeException e) {
            log.error("placement filter {}->{}: deciding on {} failed; not mirroring it (fail closed)", source, target, topic, e);
            return false;
        }
    }

    /** Whether a WAL topic about to flow may: its target copy will get the whole history (see the class doc). */
    private boolean historyReady(String topic) {
        CopyHistoryReset reset = historyReset;
        if (reset == null || PlacementTopicRule.localWalTenant(topic).isEmpty()) {
            return true;
        }
        try {
            reset.prepare(topic);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            log.warn("placement filter {}->{}: cannot check whether {}'s copy in {} lacks its history; not mirroring "
                    + "it until the next topic refresh", source, target, topic, target, e);
            return false;
        }
    }

    private void record(String topic, PlacementTopicRule.Decision d) {
        if (!placements.loaded()) {
            if (!warnedNotLoaded) {
                warnedNotLoaded = true;
                log.warn("placement filter {}->{}: placements not loaded yet; tenant WALs do not flow until they are",
                        source, target);
            }
        } else if (warnedNotLoaded) {
            warnedNotLoaded = false;
            log.info("placement filter {}->{}: placements loaded; tenant WALs flow by placement", source, target);
        }
        Boolean before = lastDecision.put(topic, d.replicate());
        if (before == null || before != d.replicate()) {
            String msg = "placement filter {}->{}: {} {} ({})";
            Object[] args = {source, target, topic, d.replicate() ? "flows" : "does not flow", d.reason()};
            if (verbose && (before != null || d.replicate())) {
                log.info(msg, args);
            } else {
                log.debug(msg, args);
            }
        }
    }

    @Override
    public void close() {
        SharedPlacementViews.Handle h = placements;
        placements = null;
        if (h != null) {
            h.close();
        }
        CopyHistoryReset reset = historyReset;
        historyReset = null;
        if (reset != null) {
            reset.close();
        }
    }

    /** MM2's identity towards the control cluster, from the {@value #CONTROL_CLIENT_PREFIX} keys. */
    static KafkaSecurity controlSecurity(Map<String, ?> props) {
        String protocol = required(props, CONTROL_CLIENT_PREFIX + "security.protocol");
        try {
            return new KafkaSecurity(protocol, optional(props, "ssl.keystore.location"), optional(props, "ssl.keystore.password"),
                    optional(props, "ssl.truststore.location"), optional(props, "ssl.truststore.password"));
        } catch (TopologyException e) {
            throw new ConfigException(CONTROL_CLIENT_PREFIX + "ssl.*: " + e.getMessage());
        }
    }

    private static String optional(Map<String, ?> props, String clientKey) {
        Object v = props.get(CONTROL_CLIENT_PREFIX + clientKey);
        return v == null || v.toString().isBlank() ? null : v.toString();
    }

    private static String required(Map<String, ?> props, String key) {
        Object v = props.get(key);
        if (v == null || v.toString().isBlank()) {
            throw new ConfigException(key, v, PlacementTopicFilter.class.getSimpleName()
                    + " needs the flow's " + key + " (MM2 sets it for every flow)");
        }
        return v.toString().trim();
    }
}
