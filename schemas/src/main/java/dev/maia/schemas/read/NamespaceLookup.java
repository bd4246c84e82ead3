package dev.maia.schemas.read;

import dev.maia.schemas.avro.ResourceType;
import dev.maia.schemas.avro.WALEntry;

import java.util.Optional;

/**
 * MAIA names a namespace "by ID or name" wherever one is named: in {@code /v1/namespaces/{id}} and
 * {@code /v1/namespaces/{id}/memories}, and in a memory's {@code namespace} field. The one rule, used by
 * the read routes and the write path alike: a live namespace with that id first, then one with that
 * name. A name two live namespaces share (only after concurrent creates in two primaries) names the one
 * with the smallest id, the same in every region.
 */
public final class NamespaceLookup {
    private NamespaceLookup() {
    }

    /** The live namespace {@code idOrName} names, if any. */
    public static Optional<WALEntry> find(CurrentState state, String tenant, String idOrName) {
        Optional<WALEntry> byId = state.live(tenant, ResourceType.namespace, idOrName);
        if (byId.isPresent()) {
            return byId;
        }
        for (String id : state.namespacesNamed(tenant, idOrName)) {
            Optional<WALEntry> named = state.live(tenant, ResourceType.namespace, id);
            if (named.isPresent()) {
                return named;
            }
        }
        return Optional.empty();
    }
}
