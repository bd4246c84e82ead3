package dev.maia.producer.audit;

import dev.maia.schemas.avro.Placement;
import dev.maia.schemas.http.Json;
import dev.maia.schemas.placement.Placements;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Who changed a tenant's placement, how, and from what to what: one JSON line per accepted change
 * ({@code at, region, principal, action, tenant_id, before, after}), written to the SLF4J logger
 * {@value #LOGGER} (route it to its own file) and handed to {@code published} (the control cluster's
 * {@code maia.audit} topic, keyed by tenant, so every region's records are in one place). A change
 * another change beat is not recorded: it did not happen.
 *
 * <p>Principals: {@code admin} (the admin key: the only key the admin API accepts), {@code tenant:<id>}
 * (a tenant's first write, which gives it the default placement) and {@code region:<name>} (a region's own
 * step of a migration: drained, switched). No key material is ever part of a record.
 */
public final class AuditTrail {
    public static final String LOGGER = "maia.audit";
    private static final Logger log = LoggerFactory.getLogger(LOGGER);

    /** Only the log: for a process without a control cluster to publish to (tests). */
    public static final AuditTrail LOG_ONLY = new AuditTrail("", (tenant, json) -> { });

    private final String region;
    private final BiConsumer<String, String> published;

    /** @param published takes each record's tenant and JSON line; it must not block for long */
    public AuditTrail(String region, BiConsumer<String, String> published) {
        this.region = region;
        this.published = published;
    }

    /** One accepted change of {@code after}'s tenant; {@code before} is null for its first placement. */
    public void placementChanged(String principal, String action, Placement before, Placement after) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("at", Instant.now().toString());
        record.put("region", region);
        record.put("principal", principal);
        record.put("action", action);
        record.put("tenant_id", after.getTenantId());
        record.put("before", before == null ? null : Placements.toJson(before));
        record.put("after", Placements.toJson(after));
        String line = Json.write(record);
        log.info(line);
        try {
            published.accept(after.getTenantId(), line);
        } catch (RuntimeException e) {
            log.warn("audit record of {} not published ({}); it is in this log", after.getTenantId(), e.toString());
        }
    }

    /** The action a change is, from what it did to the placement. */
    public static String action(Placement before, Placement after) {
        if (before == null) {
            return "placement.create";
        }
        if (after.getFailover() != null && after.getFailover().getEpoch() == after.getEpoch()) {
            return after.getFailover().getForced() ? "failover.forced" : "failover.automatic";
        }
        if (after.getMigration() != null) {
            if (before.getMigration() == null) {
                return "migration.start";
            }
            return after.getMigration().getDrained() != null && before.getMigration().getDrained() == null
                    ? "migration.drained" : "placement.change";
        }
        if (before.getMigration() != null) {
            return after.getPrimaryRegion().equals(before.getMigration().getToRegion())
                    && !after.getPrimaryRegion().equals(before.getPrimaryRegion()) ? "migration.switch" : "migration.abort";
        }
        // A primary that moves without a migration was moved by force: a failover from a primary that is gone.
        return after.getPrimaryRegion().equals(before.getPrimaryRegion()) ? "placement.change" : "failover.forced";
    }
}
