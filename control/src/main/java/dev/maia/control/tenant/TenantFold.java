package dev.maia.control.tenant;

import dev.maia.schemas.avro.ApiKey;
import dev.maia.schemas.avro.Tenant;
import dev.maia.schemas.tenant.ControlRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tenants and issued keys the control log decides, folded record by record in log order: a change
 * takes effect only as the successor of the epoch in effect ({@link ControlRecords#follows}), so every
 * reader agrees, and of two changes made on one epoch the first in the log wins. Records of other kinds
 * (placements) are not this fold's and never take effect here.
 */
public final class TenantFold implements TenantDirectory {
    private static final Logger log = LoggerFactory.getLogger(TenantFold.class);

    private final Map<String, Tenant> tenants = new ConcurrentHashMap<>();
    private final Map<String, ApiKey> keys = new ConcurrentHashMap<>();

    /** Applies one record of the control log; answers whether it took effect. */
    public boolean accept(String kind, byte[] value) {
        try {
            return switch (kind) {
                case ControlRecords.KIND_TENANT -> accept(ControlRecords.decodeTenant(value));
                case ControlRecords.KIND_APIKEY -> accept(ControlRecords.decodeApiKey(value));
                default -> false;
            };
        } catch (Exception e) {
            log.warn("Ignoring an unreadable {} record of the control log: {}", kind, e.toString());
            return false;
        }
    }

    boolean accept(Tenant t) {
        Tenant current = tenants.get(t.getTenantId());
        if (!ControlRecords.follows(t, current)) {
            log.debug("change of tenant {} to epoch {} ignored, epoch {} is in effect", t.getTenantId(), t.getEpoch(),
                    current == null ? 0 : current.getEpoch());
            return false;
        }
        tenants.put(t.getTenantId(), t);
        return true;
    }

    boolean accept(ApiKey k) {
        ApiKey current = keys.get(k.getKeySha256());
        // A key names its tenant once, when issued: a later record cannot move it to another tenant.
        if (!ControlRecords.follows(k, current) || (current != null && !current.getTenantId().equals(k.getTenantId()))) {
            return false;
        }
        keys.put(k.getKeySha256(), k);
        return true;
    }

    @Override
    public Optional<Tenant> tenant(String tenantId) {
        return Optional.ofNullable(tenants.get(tenantId));
    }

    @Override
    public Optional<ApiKey> apiKey(String keySha256) {
        return Optional.ofNullable(keys.get(keySha256));
    }

    /** The tenants in effect, live (no copy). */
    public Collection<Tenant> tenants() {
        return Collections.unmodifiableCollection(tenants.values());
    }

    /** The keys issued to a tenant, revoked ones included, oldest first. */
    public List<ApiKey> keysOf(String tenantId) {
        return keys.values().stream().filter(k -> k.getTenantId().equals(tenantId))
                .sorted(java.util.Comparator.comparing(ApiKey::getCreatedAt).thenComparing(ApiKey::getKeySha256)).toList();
    }
}
