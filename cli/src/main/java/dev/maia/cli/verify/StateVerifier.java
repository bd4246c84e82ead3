package dev.maia.cli.verify;

import dev.maia.apply.lag.LagProbe;
import dev.maia.apply.lag.TenantLag;
import dev.maia.cli.MaiaClient;
import dev.maia.control.placement.DeploymentPlacements;
import dev.maia.schemas.avro.Placement;
import dev.maia.schemas.placement.Placements;
import dev.maia.schemas.topology.RegionSpec;
import dev.maia.schemas.topology.Topology;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/**
 * Compares every holder's state of each tenant at one position vector: asks each holder for its digest
 * and, while they are not at one vector (or one could not answer), asks again until the deadline.
 *
 * <p>One vector alone is not enough: holders that have applied nothing yet (a new tenant's log not yet
 * discovered) share the empty vector and the empty digest. So the shared vector must also cover the
 * tenant's logs as they are when asked: no holder may be behind its origin ({@link LagProbe}, the same
 * definition as {@code maia lag}).
 */
public final class StateVerifier implements AutoCloseable {
    private static final long RETRY_MS = 500;
    private static final Duration PLACEMENTS_TIMEOUT = Duration.ofSeconds(15);

    private final Topology topology;
    private final MaiaClient client;
    private final LagProbe origins;

    public StateVerifier(Topology topology, MaiaClient client) {
        this.topology = topology;
        this.client = client;
        this.origins = new LagProbe(topology, topology.requireKafkaSecurity());
    }

    /** Every tenant's placement, from the control log. */
    public static Map<String, Placement> placements(Topology topology) throws InterruptedException, TimeoutException {
        return DeploymentPlacements.read(topology, "verify-cli", PLACEMENTS_TIMEOUT);
    }

    /**
     * One verdict per tenant, in the order given. The timeout is for the whole run; each tenant is asked
     * at least once, so a tenant that never settles cannot hide the others.
     */
    public List<TenantVerdict> verify(Map<String, Placement> placements, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<TenantVerdict> out = new ArrayList<>();
        for (Placement p : placements.values()) {
            out.add(verifyTenant(p, deadline));
        }
        return out;
    }

    private TenantVerdict verifyTenant(Placement placement, long deadlineNanos) throws InterruptedException {
        String tenant = placement.getTenantId();
        List<String> holders = Placements.holders(placement);
        while (true) {
            List<RegionDigest> answers = new ArrayList<>();
            for (String region : holders) {
                Optional<RegionSpec> spec = topology.region(region);
                answers.add(spec.isPresent() ? RegionDigest.ask(client, spec.get(), tenant, topology.adminKey())
                        : RegionDigest.failed(region, RegionDigest.ERROR, "not a region of the topology file"));
            }
            TenantVerdict verdict = TenantVerdict.of(tenant, holders, answers);
            if (verdict.equal() && behindOrigin(placement, answers)) {
                verdict = verdict.behindOrigin();
            }
            if (verdict.settled() || System.nanoTime() + RETRY_MS * 1_000_000 > deadlineNanos) {
                return verdict;
            }
            Thread.sleep(RETRY_MS);
        }
    }

    /**
     * Whether the vector the holders share leaves entries of the tenant's logs unapplied, or cannot tell (an
     * origin unreachable). No row at all: every origin answered and none has written the tenant's log.
     * Compared past the dead-lettered entries: a refused entry is never applied, so the applied vector of a
     * partition whose newest entry was refused stays short of the log's end for good. Every holder must be
     * past the end, not just one: the others may not have read the refused entry yet.
     */
    private boolean behindOrigin(Placement placement, List<RegionDigest> holders) {
        List<TenantLag> lag = origins.probe(holders.get(0).region(), Map.of(placement.getTenantId(), placement),
                (origin, tenant, partition) -> holders.stream()
                        .mapToLong(h -> h.passed().getOrDefault(origin + "/" + partition, -1L)).min().orElse(-1L));
        return lag.stream().anyMatch(l -> l.error() != null || l.lag().recordsBehind() > 0);
    }

    @Override
    public void close() {
        origins.close();
    }
}
