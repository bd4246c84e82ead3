package dev.maia.producer;

import dev.maia.schemas.avro.WALEntry;
import dev.maia.schemas.wal.PositionToken;
import org.apache.kafka.common.errors.TimeoutException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/**
 * The tenants' logs in memory: records what was appended, answers positions as Kafka would (partition by
 * resource id, offsets counting up per partition) and hands each entry to the region's apply. It can
 * refuse appends as an unreachable cluster would, or take its time as a remote one does (so that writes
 * running at the same time really overlap).
 */
final class InMemoryWal implements WalLog {
    private final String region;
    private final Consumer<WALEntry> apply;
    private final List<WALEntry> entries = new ArrayList<>();
    private final Map<String, Long> nextOffsets = new HashMap<>();
    private int units;
    private boolean failing;
    private volatile long appendMs;
    private volatile Runnable whileAppending = () -> { };

    InMemoryWal(String region, Consumer<WALEntry> apply) {
        this.region = region;
        this.apply = apply;
    }

    /** From now on every append fails, like a cluster that does not acknowledge. */
    void failAppends() {
        failing = true;
    }

    /** From now on every append takes {@code millis} before the log has it. */
    void slowAppends(long millis) {
        appendMs = millis;
    }

    /** From now on {@code change} happens while each append is on its way, after the write checked its placement. */
    void whileAppending(Runnable change) {
        whileAppending = change;
    }

    synchronized List<WALEntry> entries() {
        return List.copyOf(entries);
    }

    /** How many appends (a single entry, or a batch as one unit) reached the log. */
    synchronized int units() {
        return units;
    }

    @Override
    public void ensureLog(String tenantId) {
    }

    @Override
    public CompletableFuture<PositionToken> append(WALEntry entry) {
        takeTime();
        synchronized (this) {
            if (failing) {
                return CompletableFuture.failedFuture(new TimeoutException("Expiring 1 record(s): no broker answered"));
            }
            units++;
            return CompletableFuture.completedFuture(add(entry));
        }
    }

    @Override
    public List<PositionToken> appendAll(List<WALEntry> batch) throws ExecutionException {
        takeTime();
        synchronized (this) {
            if (failing) {
                throw new ExecutionException(new TimeoutException("the transaction timed out"));
            }
            units++;
            return batch.stream().map(this::add).toList();
        }
    }

    /** The round trip to a remote log, outside the log's monitor so that appends overlap as they would. */
    private void takeTime() {
        whileAppending.run();
        try {
            Thread.sleep(appendMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private PositionToken add(WALEntry entry) {
        int partition = Math.floorMod(entry.getResourceId().hashCode(), 3);
        long offset = nextOffsets.merge(entry.getTenantId() + "/" + partition, 1L, Long::sum) - 1;
        entries.add(entry);
        apply.accept(entry);
        return new PositionToken(region, entry.getTenantId(), partition, offset);
    }
}
