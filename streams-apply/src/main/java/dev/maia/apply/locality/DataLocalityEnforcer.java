package dev.maia.apply.locality;

import dev.maia.schemas.topology.KafkaSecurity;
import dev.maia.apply.TenantHolding;
import dev.maia.apply.position.PositionTracker;
import dev.maia.apply.store.ReplicaStore;
import dev.maia.schemas.avro.Placement;
import dev.maia.schemas.placement.Placements;
import dev.maia.schemas.wal.WalTopics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import dev.maia.control.BackgroundTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Removes from this region every copy of a tenant its placement no longer gives it: the mirrored WAL
 * topics ({@code <region>.maia.wal.<tenant>}) and the tenant's resources and positions in the store.
 * Topics are checked on every round (MirrorMaker may still recreate one until its filter refreshes);
 * the store is purged when a placement epoch first excludes this region, and {@link TenantHolding}
 * keeps entries still in flight from being stored again. A deleted tenant (the control log's tenant
 * record) is held nowhere: every region purges it the same way, the primary its own log too.
 */
public final class DataLocalityEnforcer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DataLocalityEnforcer.class);

    private final String region;
    private final Admin admin;
    private final Supplier<Map<String, Placement>> placements;
    private final Predicate<String> deleted;
    private final ReplicaStore store;
    private final PositionTracker positions;
    private final Map<String, Long> purgedAtEpoch = new ConcurrentHashMap<>();
    /** Per tenant: the copies' end offsets and since when they have not moved. */
    private final Map<String, Quiet> quiet = new ConcurrentHashMap<>();
    private final long topicGraceMs;

    private record Quiet(Map<TopicPartition, Long> ends, long since) {
    }
    private final BackgroundTask schedule;

    public DataLocalityEnforcer(String region, String bootstrapServers, KafkaSecurity security,
                                Supplier<Map<String, Placement>> placements,
                                Predicate<String> deleted, ReplicaStore store, PositionTracker positions, long intervalMs,
                                long topicGraceMs) {
        this.deleted = deleted;
        this.region = region;
        this.topicGraceMs = topicGraceMs;
        this.admin = Admin.create(security.clientConfig(bootstrapServers));
        this.placements = placements;
        this.store = store;
        this.positions = positions;
        this.schedule = BackgroundTask.every("locality-" + region, intervalMs, intervalMs, this::enforce);
    }

    public void enforce() {
        try {
            Set<String> topics = admin.listTopics().names().get(10, TimeUnit.SECONDS);
            for (Placement p : placements.get().values()) {
                boolean gone = deleted.test(p.getTenantId());
                if (!gone && Placements.holders(p).contains(region)) {
                    purgedAtEpoch.remove(p.getTenantId());
                    continue;
                }
                purge(p, topics, gone);
            }
        } catch (Exception e) {
            log.warn("Data locality check of {} failed; retrying", region, e);
        }
    }

    /**
     * Empties the copies at once, and deletes them once they have stayed empty for a while: MirrorMaker
     * stops copying only at its next topic refresh, and producing into a topic that vanished fails its task.
     */
    private void purge(Placement p, Set<String> topics, boolean tenantDeleted) throws Exception {
        String tenant = p.getTenantId();
        // A region dropped from a placement keeps nothing of the others' logs; a deleted tenant's own log goes too.
        List<String> copies = topics.stream()
                .filter(t -> WalTopics.parse(t, region).filter(w -> w.tenantId().equals(tenant)
                        && (tenantDeleted || !w.originRegion().equals(region))).isPresent())
                .toList();
        if (!copies.isEmpty()) {
            Map<TopicPartition, Long> ends = endOffsets(copies);
            Map<TopicPartition, RecordsToDelete> all = new HashMap<>();
            ends.forEach((tp, end) -> all.put(tp, RecordsToDelete.beforeOffset(end)));
            admin.deleteRecords(all).all().get(30, TimeUnit.SECONDS);
            long now = System.currentTimeMillis();
            Quiet q = quiet.get(tenant);
            if (q == null || !q.ends().equals(ends)) {
                quiet.put(tenant, new Quiet(ends, now));
                log.info("Tenant {} is no longer held in {} ({}): emptied {}", tenant, region,
                        tenantDeleted ? "deleted" : "placement epoch " + p.getEpoch(), copies);
            } else if (now - q.since() >= topicGraceMs) {
                admin.deleteTopics(copies).all().get(30, TimeUnit.SECONDS);
                quiet.remove(tenant);
                log.info("Tenant {} is no longer held in {}: deleted {}", tenant, region, copies);
            }
        }
        if (!Long.valueOf(p.getEpoch()).equals(purgedAtEpoch.get(tenant))) {
            // The round started from a snapshot: if the tenant was placed back here meanwhile, keep it.
            Placement now = placements.get().get(tenant);
            if (!tenantDeleted && (now == null || Placements.holders(now).contains(region))) {
                return;
            }
            // Positions first: the tracker flushes its in-memory positions to the store at every commit,
            // and one flushed after the purge would bring a position of the purged tenant back.
            positions.forget(tenant);
            long removed = store.purgeTenant(tenant);
            if (removed > 0) {
                log.info("Tenant {} is no longer held in {}: purged {} resources from the store", tenant, region, removed);
            } else if (copies.isEmpty()) {
                // A round that found nothing left: an entry applied just before the placement arrived is gone too.
                purgedAtEpoch.put(tenant, p.getEpoch());
            }
        }
    }

    private Map<TopicPartition, Long> endOffsets(List<String> topics) throws Exception {
        Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
        for (TopicDescription d : admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS).values()) {
            d.partitions().forEach(part -> specs.put(new TopicPartition(d.name(), part.partition()), OffsetSpec.latest()));
        }
        Map<TopicPartition, Long> out = new HashMap<>();
        admin.listOffsets(specs).all().get(30, TimeUnit.SECONDS).forEach((tp, info) -> out.put(tp, info.offset()));
        return out;
    }

    @Override
    public void close() {
        schedule.close();
        admin.close();
    }
}
