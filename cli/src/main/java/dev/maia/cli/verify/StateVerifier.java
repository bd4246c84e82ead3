package dev.maia.cli.verify;

import dev.maia.cli.MaiaClient;
import dev.maia.schemas.avro.Placement;
import dev.maia.schemas.placement.Placements;
import dev.maia.schemas.topology.RegionSpec;
import dev.maia.schemas.topology.Topology;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Compares every holder's state of each tenant at one position vector: asks each holder for its digest
 * and, while they are not at one vector (or one could not answer), asks again until the deadline.
 */
public final class StateVerifier {
    private static final long RETRY_MS = 500;

    private final Topology topology;
    private final MaiaClient client;

    public StateVerifier(Topology topology, MaiaClient client) {
        this.topology = topology;
        this.client = client;
    }

    /**
     * One verdict per tenant, in the order given. The timeout is for the whole run; each tenant is asked
     * at least once, so a tenant that never settles cannot hide the others.
     */
    public List<TenantVerdict> verify(Map<String, Placement> placements, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<TenantVerdict> out = new ArrayList<>();
        for (Placement p : placements.values()) {
            out.add(verifyTenant(p.getTenantId(), Placements.holders(p), deadline));
        }
        return out;
    }

    private TenantVerdict verifyTenant(String tenant, List<String> holders, long deadlineNanos) throws InterruptedException {
        while (true) {
            List<RegionDigest> answers = new ArrayList<>();
            for (String region : holders) {
                Optional<RegionSpec> spec = topology.region(region);
                answers.add(spec.isPresent() ? RegionDigest.ask(client, spec.get(), tenant, topology.adminKey())
                        : RegionDigest.failed(region, RegionDigest.ERROR, "not a region of the topology file"));
            }
            TenantVerdict verdict = TenantVerdict.of(tenant, holders, answers);
            if (verdict.settled() || System.nanoTime() + RETRY_MS * 1_000_000 > deadlineNanos) {
                return verdict;
            }
            Thread.sleep(RETRY_MS);
        }
    }
}
