package dev.maia.producer;

import dev.maia.control.lease.CandidacyLog;
import dev.maia.control.lease.LeaseKeeper;
import dev.maia.control.lease.LeaseTable;
import dev.maia.control.log.ControlLogUnavailableException;
import dev.maia.control.placement.PlacementView;
import dev.maia.control.position.PositionsView;
import dev.maia.schemas.avro.Candidacy;
import dev.maia.schemas.avro.DrainedOffset;
import dev.maia.schemas.avro.Placement;
import dev.maia.schemas.avro.SyncMode;
import dev.maia.schemas.http.ApiException;
import dev.maia.schemas.placement.Placements;
import dev.maia.schemas.position.PositionKey;
import dev.maia.schemas.topology.KafkaSecurity;
import dev.maia.schemas.topology.Topology;
import dev.maia.schemas.wal.WalTopics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * This region's part in failovers, driven by the control log alone, in every region alike:
 * <ol>
 *   <li>When the primary of a replicated or global tenant this region holds has not renewed its lease for the
 *       lease's duration (as read here), and this region holds its own, it appends its candidacy: what it has
 *       applied of the old primary's log, as published.</li>
 *   <li>Once every replica whose lease holds has a candidacy in, or a short window has passed, the election
 *       ({@link FailoverElection}) names the most caught-up; only the elected region acts: it appends the
 *       failed-over placement (epoch + 1), which every reader lets take effect only if the old primary renewed
 *       no lease after the one seen lapse ({@link PlacementView}).</li>
 * </ol>
 * A tenant whose election cannot name a replica that holds every acknowledged write stays unwritable, and
 * is reported ({@link #blocked()}, {@code maia_failover_blocked_tenants}). An operator's forced failover
 * ({@link #force}) goes through the same append; a planned move is a migration.
 */
final class FailoverDriver implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FailoverDriver.class);
    private static final Duration TICK = Duration.ofMillis(250);
    private static final Duration LOG_END_TIMEOUT = Duration.ofSeconds(3);

    private final String region;
    private final Topology topology;
    private final PlacementService placements;
    private final PlacementView view;
    private final LeaseKeeper lease;
    private final CandidacyLog candidacyLog;
    private final PositionsView positions;
    private final WriteConfig config;
    private final MeterRegistry registry;
    /** Why each tenant this region would take over cannot fail over now. */
    private final Map<String, String> blocked = new ConcurrentSkipListMap<>();
    /** When this region first counted the candidacies of each tenant at its epoch: the election waits a window after it. */
    private record Election(long epoch, long startedNanos) {
    }

    private final Map<String, Election> electionStarted = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;

    FailoverDriver(String region, Topology topology, PlacementService placements, PlacementView view, LeaseKeeper lease,
                   CandidacyLog candidacyLog, PositionsView positions, WriteConfig config, MeterRegistry registry) {
        this.region = region;
        this.topology = topology;
        this.placements = placements;
        this.view = view;
        this.lease = lease;
        this.candidacyLog = candidacyLog;
        this.positions = positions;
        this.config = config;
        this.registry = registry;
        Gauge.builder("maia.failover.blocked.tenants", blocked, Map::size).tag("region", region)
                .description("tenants whose primary's lease lapsed and that no reachable replica may take over "
                        + "without losing an acknowledged write (they stay unwritable)").register(registry);
        Gauge.builder("maia.lease.held", lease, l -> l.held() ? 1 : 0).tag("region", region)
                .description("1 while this region holds its lease (it leads its tenants), 0 otherwise").register(registry);
        this.thread = new Thread(this::run, "maia-failover-" + region);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** The tenants this region would take over but cannot, and why. */
    Map<String, String> blocked() {
        return Map.copyOf(blocked);
    }

    private void run() {
        while (running) {
            for (Placement p : view.values()) {
                try {
                    step(p);
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    log.warn("failover of {}: step failed, retried: {}", p.getTenantId(), e.toString());
                }
            }
            try {
                Thread.sleep(TICK.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void step(Placement p) throws InterruptedException {
        String tenant = p.getTenantId();
        if (!Placements.canFailOver(p) || !Placements.holders(p).contains(region)) {
            blocked.remove(tenant);
            return;
        }
        if (p.getPrimaryRegion().equals(region)) {
            blocked.remove(tenant);
            failBack(p);
            return;
        }
        if (!view.leases().lapsed(p.getPrimaryRegion(), lease.settings().duration()) || !p.getReplicas().contains(region)) {
            blocked.remove(tenant);
            electionStarted.remove(tenant);
            return;
        }
        if (!config.failoverAutomatic()) {
            blocked.put(tenant, "the lease of " + p.getPrimaryRegion() + " lapsed and automatic failover is off here: maia failover");
            return;
        }
        if (!lease.held()) {
            return; // this region cannot lead either: not a candidate, and its view may be stale
        }
        Map<String, Candidacy> candidacies = view.candidacies(tenant);
        if (!candidacies.containsKey(region)) {
            submitCandidacy(p);
            return;
        }
        long started = electionStarted.compute(tenant, (t, e) -> e != null && e.epoch() == p.getEpoch() ? e
                : new Election(p.getEpoch(), System.nanoTime())).startedNanos();
        List<String> reachable = p.getReplicas().stream()
                .filter(r -> !view.leases().lapsed(r, lease.settings().duration())).toList();
        List<Candidacy> live = reachable.stream().map(candidacies::get).filter(c -> c != null).toList();
        boolean window = System.nanoTime() - started < lease.settings().renewInterval().toNanos() * 2;
        if (live.size() < reachable.size() && window) {
            return; // a reachable replica's candidacy may be on its way
        }
        FailoverElection.Outcome outcome = FailoverElection.decide(p, syncMode(p), live);
        if (outcome instanceof FailoverElection.Blocked b) {
            if (blocked.put(tenant, b.reason()) == null) {
                log.warn("failover of {} from {}: blocked: {}", tenant, p.getPrimaryRegion(), b.reason());
            }
            return;
        }
        blocked.remove(tenant);
        if (((FailoverElection.Elected) outcome).region().equals(region)) {
            promote(p, candidacies.get(region).getApplied(), false);
        }
    }

    private void submitCandidacy(Placement p) throws InterruptedException {
        Candidacy mine = new Candidacy(p.getTenantId(), p.getEpoch(), region, applied(region, p.getPrimaryRegion(), p.getTenantId()));
        try {
            if (candidacyLog.submit(mine)) {
                log.info("failover of {}: the lease of {} lapsed ({} since its last renewal read here); {} is a candidate with {}",
                        p.getTenantId(), p.getPrimaryRegion(), view.leases().sinceRenewal(p.getPrimaryRegion()), region,
                        mine.getApplied());
            }
        } catch (ControlLogUnavailableException e) {
            log.warn("failover of {}: candidacy not appended: {}", p.getTenantId(), e.getMessage());
        }
    }

    private Optional<Placement> promote(Placement p, List<DrainedOffset> applied, boolean forced) throws InterruptedException {
        String from = p.getPrimaryRegion();
        Duration since = view.leases().sinceRenewal(from);
        Placement next = Placements.failedOver(p, region, topology.regionNames(), view.leases().lastOffset(from), applied,
                forced, region);
        Optional<Placement> done = placements.advance(next);
        done.ifPresent(n -> {
            Counter.builder("maia.failovers").tag("region", region).tag("tenant", p.getTenantId()).tag("from_region", from)
                    .description("failovers that made this region a tenant's primary").register(registry).increment();
            log.info("failover of {}: {} is primary at epoch {} in place of {} ({} after its last lease renewal read here){}",
                    p.getTenantId(), region, n.getEpoch(), from, since, forced ? ", forced by an operator" : "");
        });
        return done;
    }

    /**
     * With {@code failback_automatic}, the region a tenant failed over to hands it back to the region it came
     * from once that one holds its lease again: a planned migration, so nothing is lost.
     */
    private void failBack(Placement p) throws InterruptedException {
        if (!config.failbackAutomatic() || p.getFailover() == null || p.getMigration() != null || !lease.held()) {
            return;
        }
        String home = p.getFailover().getFromRegion();
        if (home.equals(region) || !p.getReplicas().contains(home)
                || view.leases().sinceRenewal(home).compareTo(lease.settings().renewInterval().multipliedBy(2)) > 0) {
            return;
        }
        try {
            placements.migrate(p.getTenantId(), home, java.util.OptionalLong.of(p.getEpoch()));
            log.info("failback of {}: migrating back to {}, which holds its lease again", p.getTenantId(), home);
        } catch (ApiException e) {
            log.debug("failback of {} to {} not started: {}", p.getTenantId(), home, e.getMessage());
        }
    }

    /**
     * An operator's failover of {@code tenant} to {@code to}, run in this region: only once the primary's lease
     * has lapsed (a primary that leads is moved by a migration), and only with {@code acceptLoss} when writes of
     * the old primary that {@code to} has not applied may be lost. Answers the new placement and the figure.
     */
    Map<String, Object> force(String tenant, String to, boolean acceptLoss) throws InterruptedException {
        Placement p = placements.get(tenant).orElseThrow(() -> ApiException.notFound("tenant " + tenant + " has no placement"));
        if (!Placements.canFailOver(p)) {
            throw new ApiException(409, "NOT_REPLICATED", "tenant " + tenant + " is single-region: no other region holds its "
                    + "data; wait for " + p.getPrimaryRegion() + " or move it with maia migrate", Map.of("current", Placements.toJson(p)));
        }
        if (!p.getReplicas().contains(to)) {
            throw ApiException.invalidInput("to_region", "to_region must be one of the replicas of " + tenant + " " + p.getReplicas());
        }
        LeaseTable leases = view.leases();
        String from = p.getPrimaryRegion();
        if (!leases.lapsed(from, lease.settings().duration())) {
            throw new ApiException(409, "PRIMARY_HOLDS_LEASE", "the primary " + from + " of " + tenant + " renewed its lease "
                    + leases.sinceRenewal(from).toMillis() + " ms ago: it leads; move the tenant with maia migrate, "
                    + "which loses nothing", Map.of("primary_region", from));
        }
        List<DrainedOffset> applied = applied(to, from, tenant);
        Map<String, Object> loss = possibleLoss(p, to, applied);
        if (Boolean.TRUE.equals(loss.get("may_lose")) && !acceptLoss) {
            throw new ApiException(409, "LOSS_POSSIBLE", "failing " + tenant + " over to " + to + " may lose " + describe(loss)
                    + "; confirm with accept_loss (maia failover --accept-loss)", loss);
        }
        Placement next = Placements.failedOver(p, to, topology.regionNames(), leases.lastOffset(from), applied, true, region);
        Placement done = placements.forceFailover(next);
        log.warn("failover of {} from {} to {} forced by an operator (epoch {}); possible loss: {}", tenant, from, to,
                done.getEpoch(), describe(loss));
        Map<String, Object> out = new LinkedHashMap<>(Placements.toJson(done));
        out.put("possible_loss", loss);
        return out;
    }

    private static String describe(Map<String, Object> loss) {
        Object n = loss.get("possible_loss_entries");
        return Boolean.TRUE.equals(loss.get("log_end_known")) ? n + " entries"
                : "at least " + n + " entries, and whatever the old primary had not shipped (its log could not be read)";
    }

    /**
     * What {@code to} lacks of the old primary's log: exactly, if the old primary's Kafka answers; otherwise at
     * least what any other holder has published beyond it, and an unknown tail.
     */
    private Map<String, Object> possibleLoss(Placement p, String to, List<DrainedOffset> applied) {
        String from = p.getPrimaryRegion();
        Map<Integer, Long> have = new HashMap<>();
        applied.forEach(d -> have.put(d.getPartition(), d.getOffset()));
        Map<Integer, Long> end = logEnd(from, p.getTenantId());
        boolean known = end != null;
        if (!known) {
            end = new HashMap<>();
            for (String holder : Placements.holders(p)) {
                for (DrainedOffset d : applied(holder, from, p.getTenantId())) {
                    end.merge(d.getPartition(), d.getOffset(), Math::max);
                }
            }
        }
        long entries = end.entrySet().stream().mapToLong(e -> Math.max(0, e.getValue() - have.getOrDefault(e.getKey(), -1L))).sum();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("from_region", from);
        out.put("to_region", to);
        out.put("possible_loss_entries", entries);
        out.put("log_end_known", known);
        out.put("may_lose", entries > 0 || !known);
        return out;
    }

    /** The last entry of each partition of the tenant's log in {@code origin}'s own Kafka; null if it does not answer. */
    private Map<Integer, Long> logEnd(String origin, String tenant) {
        Optional<String> bootstrap = topology.region(origin).map(r -> r.bootstrapServers());
        if (bootstrap.isEmpty()) {
            return null;
        }
        KafkaSecurity security = config.kafkaSecurity();
        try (LastEntries last = new LastEntries(bootstrap.get(), security)) {
            return last.of(WalTopics.wal(tenant), LOG_END_TIMEOUT);
        } catch (RuntimeException e) {
            log.info("the log of {} in {} could not be read: {}", tenant, origin, e.toString());
            return null;
        }
    }

    /** What {@code holder} has published as applied of {@code origin}'s log of the tenant. */
    private List<DrainedOffset> applied(String holder, String origin, String tenant) {
        List<DrainedOffset> out = new ArrayList<>();
        for (Map.Entry<PositionKey, Long> e : positions.appliedBy(holder, tenant).entrySet()) {
            if (e.getKey().origin().equals(origin)) {
                out.add(new DrainedOffset(origin, e.getKey().partition(), e.getValue()));
            }
        }
        out.sort(Comparator.comparing(DrainedOffset::getPartition));
        return out;
    }

    private SyncMode syncMode(Placement p) {
        return p.getSyncMode() != null ? p.getSyncMode() : config.syncMode();
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
