package dev.maia.producer.tenant;

import dev.maia.control.log.ControlLogUnavailableException;
import dev.maia.control.tenant.TenantConflictException;
import dev.maia.control.tenant.TenantLog;
import dev.maia.control.tenant.TenantView;
import dev.maia.control.tenant.UsageLog;
import dev.maia.producer.PlacementRequest;
import dev.maia.producer.PlacementService;
import dev.maia.schemas.avro.ApiKey;
import dev.maia.schemas.avro.ConflictStrategy;
import dev.maia.schemas.avro.Placement;
import dev.maia.schemas.avro.PlacementMode;
import dev.maia.schemas.avro.Tenant;
import dev.maia.schemas.avro.TenantStatus;
import dev.maia.schemas.avro.TenantUsage;
import dev.maia.schemas.http.ApiException;
import dev.maia.schemas.placement.Placements;
import dev.maia.schemas.tenant.ApiKeys;
import dev.maia.schemas.tenant.TenantJson;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * Tenants and their API keys as global metadata: read from the region's {@link TenantView}, changed only
 * through the control log ({@link TenantLog}), each change the successor of the epoch in effect, so of two
 * regions changing one tenant at once exactly one wins (the other answers 409). Tenants known only from the
 * configuration file ({@code tenant_keys_sha256}) are tenants too ({@code source: config}, epoch 0); their
 * first change through the API gives them a record in the log.
 */
public final class TenantService {
    private final String region;
    private final TenantView view;
    private final TenantLog tenantLog;
    private final PlacementService placements;
    private final UsageLog usage;
    private final Set<String> configured;

    /** A tenant as answered: its record, and where it comes from. */
    public record Known(Tenant tenant, String source) {
    }

    public TenantService(String region, TenantView view, TenantLog tenantLog, PlacementService placements, UsageLog usage,
                         Set<String> configuredTenants) {
        this.region = region;
        this.view = view;
        this.tenantLog = tenantLog;
        this.placements = placements;
        this.usage = usage;
        this.configured = Set.copyOf(configuredTenants);
    }

    public Optional<Known> find(String id) {
        Optional<Tenant> t = view.tenant(id);
        if (t.isPresent()) {
            return Optional.of(new Known(t.get(), "control"));
        }
        if (configured.contains(id)) {
            return Optional.of(new Known(Tenant.newBuilder().setTenantId(id).setName(id).setStatus(TenantStatus.active)
                    .setPlan("").setMetadata(Map.of()).setEpoch(0).setCreatedAt(Instant.EPOCH).setUpdatedAt(Instant.EPOCH)
                    .setUpdatedIn("").build(), "config"));
        }
        return Optional.empty();
    }

    Known require(String id) {
        return find(id).orElseThrow(() -> ApiException.notFound("tenant " + id + " does not exist"));
    }

    /** Every tenant, from the log and the configuration, sorted by id. */
    public List<Known> all() {
        TreeSet<String> ids = new TreeSet<>(configured);
        view.tenants().forEach(t -> ids.add(t.getTenantId()));
        return ids.stream().map(id -> find(id).orElseThrow()).toList();
    }

    public Optional<Placement> placement(String id) {
        return placements.get(id);
    }

    public List<String> regions() {
        return placements.regions();
    }

    /**
     * Creates a tenant, then places it (as asked, or single here unless it has a placement already). The
     * tenant record comes first: it is what makes the id taken, so of two creates of one id one wins.
     */
    public Known create(String id, String name, String plan, Map<String, String> metadata, PlacementRequest placement)
            throws InterruptedException {
        if (placement != null) {
            placement.validate(placements.regions(), "placement.");
        }
        find(id).ifPresent(k -> {
            throw alreadyExists(k);
        });
        Instant now = Instant.now();
        Tenant created = Tenant.newBuilder().setTenantId(id).setName(name).setStatus(TenantStatus.active).setPlan(plan)
                .setMetadata(metadata).setEpoch(1).setCreatedAt(now).setUpdatedAt(now).setUpdatedIn(region).build();
        try {
            tenantLog.propose(created);
        } catch (TenantConflictException e) {
            throw alreadyExists(find(id).orElse(new Known(created, "control")));
        } catch (ControlLogUnavailableException e) {
            throw unavailable(e);
        }
        if (placement != null) {
            placement.apply(placements, id, "placement.");
        } else if (placements.get(id).isEmpty()) {
            new PlacementRequest(PlacementMode.single, region, List.of(), null, 1, ConflictStrategy.lww, OptionalLong.of(0), false)
                    .apply(placements, id, "placement.");
        }
        return new Known(created, "control");
    }

    /** Changes name, plan or metadata (null: unchanged), as the successor of {@code expectedEpoch} (or of the epoch in effect). */
    public Known update(String id, String name, String plan, Map<String, String> metadata, OptionalLong expectedEpoch)
            throws InterruptedException {
        return change(id, expectedEpoch, b -> {
            if (name != null) {
                b.setName(name);
            }
            if (plan != null) {
                b.setPlan(plan);
            }
            if (metadata != null) {
                b.setMetadata(metadata);
            }
            return b;
        });
    }

    /** Suspends or activates; a tenant already in that status is answered as it is. */
    public Known setStatus(String id, TenantStatus status) throws InterruptedException {
        Known current = require(id);
        if (current.tenant().getStatus() == status) {
            return current;
        }
        return change(id, OptionalLong.empty(), b -> b.setStatus(status));
    }

    /** Marks the tenant deleted (every region then purges it); a deleted tenant is answered as it is. */
    public Tenant markDeleted(String id) throws InterruptedException {
        Known current = require(id);
        if (current.tenant().getStatus() == TenantStatus.deleted) {
            return current.tenant();
        }
        return changeAllowingDeleted(id, OptionalLong.empty(), b -> b.setStatus(TenantStatus.deleted)).tenant();
    }

    private Known change(String id, OptionalLong expectedEpoch, UnaryOperator<Tenant.Builder> edit) throws InterruptedException {
        Known current = require(id);
        if (current.tenant().getStatus() == TenantStatus.deleted) {
            throw deleted(current);
        }
        return changeAllowingDeleted(id, expectedEpoch, edit);
    }

    private Known changeAllowingDeleted(String id, OptionalLong expectedEpoch, UnaryOperator<Tenant.Builder> edit)
            throws InterruptedException {
        Known current = require(id);
        long inEffect = current.tenant().getEpoch();
        if (expectedEpoch.isPresent() && expectedEpoch.getAsLong() != inEffect) {
            throw conflict(id, "expected_epoch is " + expectedEpoch.getAsLong() + " but epoch " + inEffect + " is in effect");
        }
        Instant now = Instant.now();
        Tenant.Builder b = Tenant.newBuilder(current.tenant()).setEpoch(inEffect + 1).setUpdatedAt(now).setUpdatedIn(region);
        if (inEffect == 0) {
            b.setCreatedAt(now);
        }
        try {
            return new Known(tenantLog.propose(edit.apply(b).build()), "control");
        } catch (TenantConflictException e) {
            throw conflict(id, e.getMessage());
        } catch (ControlLogUnavailableException e) {
            throw unavailable(e);
        }
    }

    // ---- API keys ------------------------------------------------------------------------------

    /** An issued key and the raw key, which exists only in this answer. */
    public record Issued(ApiKey apiKey, String rawKey) {
    }

    public Issued issueKey(String tenantId, String name, Instant expiresAt) throws InterruptedException {
        Known t = require(tenantId);
        if (t.tenant().getStatus() == TenantStatus.deleted) {
            throw deleted(t);
        }
        String raw = ApiKeys.newKey();
        ApiKey key = ApiKey.newBuilder().setKeySha256(ApiKeys.sha256(raw)).setTenantId(tenantId).setName(name)
                .setPrefix(raw.substring(0, ApiKeys.PREFIX_LENGTH)).setCreatedAt(Instant.now()).setExpiresAt(expiresAt)
                .setRevokedAt(null).setEpoch(1).build();
        try {
            return new Issued(tenantLog.propose(key), raw);
        } catch (TenantConflictException e) {
            // 256 random bits did not collide; an identical hash means this very key was appended twice.
            throw new ApiException(409, "TENANT_CONFLICT", "the key was not issued: " + e.getMessage() + "; ask for a new one", null);
        } catch (ControlLogUnavailableException e) {
            throw unavailable(e);
        }
    }

    public List<ApiKey> keysOf(String tenantId) {
        require(tenantId);
        return view.keysOf(tenantId);
    }

    /** Revokes a key named by its SHA-256 or by itself; a revoked key is answered as it is. */
    public ApiKey revoke(String keyOrHash) throws InterruptedException {
        String hash = ApiKeys.isSha256(keyOrHash) ? keyOrHash : ApiKeys.sha256(keyOrHash);
        ApiKey current = view.apiKey(hash).orElseThrow(() -> ApiException.notFound("no API key issued through the admin API has this hash"));
        if (current.getRevokedAt() != null) {
            return current;
        }
        try {
            return tenantLog.propose(ApiKey.newBuilder(current).setEpoch(current.getEpoch() + 1).setRevokedAt(Instant.now()).build());
        } catch (TenantConflictException e) {
            // Only a revocation changes a key: another region revoked it first.
            return view.apiKey(hash).orElse(current);
        } catch (ControlLogUnavailableException e) {
            throw unavailable(e);
        }
    }

    // ---- usage and delete ----------------------------------------------------------------------

    public List<TenantUsage> usage(String tenantId) {
        require(tenantId);
        return usage.of(tenantId);
    }

    /**
     * Marks the tenant deleted and waits until every region that held it has reported, after the delete,
     * that it holds nothing of it (no memory, namespace, stored byte or topic). Answers each region's
     * verified report and the regions still pending when {@code wait} ran out.
     */
    public DeleteOutcome delete(String tenantId, Duration wait) throws InterruptedException {
        Tenant deleted = markDeleted(tenantId);
        Set<String> holders = new TreeSet<>(placements.get(tenantId).map(Placements::holders).orElse(List.of()));
        usage.of(tenantId).stream().filter(u -> !empty(u)).forEach(u -> holders.add(u.getRegion()));
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            Map<String, TenantUsage> verified = new LinkedHashMap<>();
            List<String> pending = new ArrayList<>();
            Map<String, TenantUsage> latest = new LinkedHashMap<>();
            usage.of(tenantId).forEach(u -> latest.put(u.getRegion(), u));
            for (String r : holders) {
                TenantUsage u = latest.get(r);
                if (u != null && empty(u) && u.getReportedAt().isAfter(deleted.getUpdatedAt())) {
                    verified.put(r, u);
                } else {
                    pending.add(r);
                }
            }
            if (pending.isEmpty() || System.nanoTime() >= deadline) {
                return new DeleteOutcome(tenantId, verified, pending);
            }
            Thread.sleep(250);
        }
    }

    public record DeleteOutcome(String tenantId, Map<String, TenantUsage> verified, List<String> pending) {
        Map<String, Object> toJson() {
            Map<String, Object> regions = new LinkedHashMap<>();
            verified.forEach((r, u) -> regions.put(r, Map.of("memories", u.getMemories(), "namespaces", u.getNamespaces(),
                    "bytes", u.getBytes(), "topics", u.getTopics(), "verified_at", u.getReportedAt().toString())));
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("deleted", true);
            out.put("id", tenantId);
            out.put("regions", regions);
            if (!pending.isEmpty()) {
                out.put("pending", pending);
            }
            return out;
        }
    }

    private static boolean empty(TenantUsage u) {
        return u.getMemories() == 0 && u.getNamespaces() == 0 && u.getBytes() == 0 && u.getTopics() == 0;
    }

    // ---- refusals ------------------------------------------------------------------------------

    private static ApiException alreadyExists(Known k) {
        return new ApiException(409, "ALREADY_EXISTS", "tenant " + k.tenant().getTenantId() + " already exists"
                + (k.tenant().getStatus() == TenantStatus.deleted ? " (deleted; a deleted id is not used again)" : ""),
                Map.of("id", k.tenant().getTenantId(), "status", k.tenant().getStatus().name(), "source", k.source()));
    }

    private static ApiException deleted(Known k) {
        return new ApiException(409, "TENANT_DELETED", "tenant " + k.tenant().getTenantId() + " is deleted",
                Map.of("id", k.tenant().getTenantId(), "status", TenantStatus.deleted.name()));
    }

    private ApiException conflict(String id, String message) {
        Map<String, Object> details = new LinkedHashMap<>();
        find(id).ifPresent(k -> details.put("current", TenantJson.tenant(k.tenant(), k.source())));
        return new ApiException(409, "TENANT_CONFLICT", "tenant " + id + " not changed: " + message, details);
    }

    private ApiException unavailable(Exception e) {
        // As for placements: a change appended before the majority went away may still take effect.
        return new ApiException(503, "NO_CONTROL_QUORUM", "region " + region + " cannot change tenants now: "
                + e.getMessage() + "; read the tenant before retrying", Map.of("retryable", true));
    }
}
