package dev.maia.producer;

import dev.maia.schemas.avro.WALEntry;
import dev.maia.schemas.wal.PositionToken;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Where accepted writes go: the tenants' logs. {@link WalAppender} is the Kafka one; the write path
 * depends only on this, so its rules can be checked against a log in memory.
 */
public interface WalLog {

    /** Makes sure the tenant's log exists before its first append; returns once it takes appends. */
    void ensureLog(String tenantId) throws InterruptedException;

    /** Appends one entry; completes with its position once the log has it, or exceptionally. */
    CompletableFuture<PositionToken> append(WALEntry entry);

    /** Appends all entries as one unit: every one is in the log afterwards, or none is. */
    List<PositionToken> appendAll(List<WALEntry> entries) throws ExecutionException, InterruptedException;
}
