package dev.maia.producer;

import dev.maia.schemas.avro.Candidacy;
import dev.maia.schemas.avro.DrainedOffset;
import dev.maia.schemas.avro.Placement;
import dev.maia.schemas.avro.SyncMode;

import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which reachable replica replaces a primary whose lease lapsed, from the candidacies of the replicas (what
 * each had applied of the old primary's log, published after it stopped). The most caught-up: a candidate
 * at or past every other on every partition; of equals, the first by name, so every region elects the same.
 *
 * <p>A sync or semi-sync write was acknowledged only once {@code k} replicas had applied it ({@code k} = all
 * of them for sync, {@code min_sync_replicas} for semi-sync). If at least {@code n - k + 1} of the {@code n}
 * replicas stand, one of them applied each such write, and the most caught-up of them holds every one. With
 * fewer, a write may be only in the replicas that are gone: the tenant stays unwritable rather than lose it.
 */
final class FailoverElection {

    sealed interface Outcome permits Elected, Blocked {
    }

    record Elected(String region) implements Outcome {
    }

    record Blocked(String reason) implements Outcome {
    }

    private FailoverElection() {
    }

    static Outcome decide(Placement p, SyncMode mode, Collection<Candidacy> candidacies) {
        int n = p.getReplicas().size();
        int k = switch (mode) {
            case sync -> n;
            case semi_sync -> Math.min(Math.max(1, p.getMinSyncReplicas()), n);
            case async -> 0;
        };
        if (candidacies.isEmpty()) {
            return new Blocked("no replica of " + p.getReplicas() + " is reachable");
        }
        if (mode != SyncMode.async && candidacies.size() < n - k + 1) {
            return new Blocked("only " + candidacies.size() + " of the " + n + " replicas are reachable; an acknowledged "
                    + mode.name().replace('_', '-') + " write may be only in the others (needs " + (n - k + 1) + ")");
        }
        Set<Integer> partitions = new TreeSet<>();
        candidacies.forEach(c -> c.getApplied().forEach(d -> partitions.add(d.getPartition())));
        List<Candidacy> byName = candidacies.stream().sorted(Comparator.comparing(Candidacy::getRegion)).toList();
        for (Candidacy c : byName) {
            if (byName.stream().allMatch(other -> atOrPast(c, other, partitions))) {
                return new Elected(c.getRegion());
            }
        }
        if (mode != SyncMode.async) {
            return new Blocked("no reachable replica holds every entry the others hold (each is ahead on another partition)");
        }
        // Async may lose what the old primary had not shipped anyway: the one that applied the most.
        return new Elected(byName.stream().max(Comparator.comparingLong(FailoverElection::total)
                .thenComparing(Candidacy::getRegion, Comparator.reverseOrder())).orElseThrow().getRegion());
    }

    private static boolean atOrPast(Candidacy a, Candidacy b, Set<Integer> partitions) {
        Map<Integer, Long> ours = offsets(a);
        Map<Integer, Long> theirs = offsets(b);
        return partitions.stream().allMatch(part -> ours.getOrDefault(part, -1L) >= theirs.getOrDefault(part, -1L));
    }

    private static Map<Integer, Long> offsets(Candidacy c) {
        Map<Integer, Long> out = new HashMap<>();
        for (DrainedOffset d : c.getApplied()) {
            out.put(d.getPartition(), d.getOffset());
        }
        return out;
    }

    private static long total(Candidacy c) {
        return c.getApplied().stream().mapToLong(d -> d.getOffset() + 1).sum();
    }
}
