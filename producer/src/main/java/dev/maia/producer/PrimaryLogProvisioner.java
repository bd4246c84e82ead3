package dev.maia.producer;

import dev.maia.schemas.avro.Placement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Creates the log of every tenant this region leads, or is about to lead by a migration, as soon as its
 * placement says so, not at its first write. The first writes then do not wait for the log to be created and
 * its leaders to serve, and MirrorMaker and the replicas' apply apps find the log before its first entry, so
 * a fresh semi-sync tenant's first write does not wait for their discovery (topic refresh, metadata, rebalance)
 * either. A write still ensures the log itself ({@link WalTopicProvisioner} remembers what it has ensured, so
 * that costs nothing once this ran): a failure here only costs that head start.
 */
final class PrimaryLogProvisioner implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(PrimaryLogProvisioner.class);

    private final String region;
    private final Supplier<Collection<Placement>> placements;
    private final Predicate<String> deleted;
    private final WalLog wal;
    /** Tenants whose last attempt failed: warned once, retried every round, said again when it works. */
    private final Set<String> failing = new HashSet<>();

    /** {@code deleted}: tenants deleted by the control log (their placement stays; the region deletes their logs). */
    PrimaryLogProvisioner(String region, Supplier<Collection<Placement>> placements, Predicate<String> deleted, WalLog wal) {
        this.region = region;
        this.placements = placements;
        this.deleted = deleted;
        this.wal = wal;
    }

    @Override
    public void run() {
        for (Placement p : placements.get()) {
            if (!leadsOrWillLead(p) || deleted.test(p.getTenantId())) {
                continue;
            }
            String tenant = p.getTenantId();
            try {
                wal.ensureLog(tenant);
                if (failing.remove(tenant)) {
                    log.info("The log of tenant {} is ready in region {}", tenant, region);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                if (failing.add(tenant)) {
                    log.warn("Cannot create the log of tenant {} ahead of its first write (retried; the write creates it too): {}",
                            tenant, e.getMessage());
                }
            }
        }
    }

    private boolean leadsOrWillLead(Placement p) {
        return p.getPrimaryRegion().equals(region)
                || (p.getMigration() != null && p.getMigration().getToRegion().equals(region));
    }
}
