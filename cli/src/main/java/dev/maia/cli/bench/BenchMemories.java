package dev.maia.cli.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.maia.cli.produce.GeneratedMemories;
import dev.maia.cli.produce.ProduceInput;
import dev.maia.cli.produce.ProduceRecord;
import dev.maia.producer.MemoryRequests;
import dev.maia.producer.WriteLimits;
import dev.maia.schemas.avro.Memory;
import dev.maia.schemas.avro.Operation;
import dev.maia.schemas.wal.HybridLogicalClock;
import dev.maia.schemas.wal.Ulid;
import dev.maia.schemas.wal.WalCodec;
import dev.maia.schemas.wal.WalCodecs;
import dev.maia.schemas.wal.WalEntries;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The memories the bench writes: {@code maia produce}'s generated memories ({@link GeneratedMemories}),
 * with the content sized so that the encoded WAL entry (the Kafka record value) is about the requested
 * record size, and optionally with a client-chosen id so that each write can be traced to its arrival.
 */
final class BenchMemories implements ProduceInput {
    private final GeneratedMemories inner;
    private final boolean withIds;

    BenchMemories(long count, int contentSize, String tenant, boolean withIds) {
        this(count, contentSize, List.of(tenant), withIds);
    }

    /** Spread round-robin over the tenants (the tenants part writes for many at once). */
    BenchMemories(long count, int contentSize, List<String> tenants, boolean withIds) {
        this.inner = new GeneratedMemories(count, contentSize, tenants);
        this.withIds = withIds;
    }

    @Override
    public long total() {
        return inner.total();
    }

    @Override
    public boolean hasNext() {
        return inner.hasNext();
    }

    @Override
    public ProduceRecord next() {
        ProduceRecord r = inner.next();
        if (withIds) {
            ((ObjectNode) r.body()).put("id", Ulid.next());
        }
        return r;
    }

    @Override
    public void close() {
        inner.close();
    }

    /** The encoded size of the WAL entry of a generated memory with this content size (as --via kafka builds it). */
    static int encodedSize(int contentSize) {
        WalCodec codec = WalCodecs.forRegistry(Optional.empty());
        try {
            ObjectNode body = new GeneratedMemories(1_000_000, contentSize, List.of("bench-tenant")).next().body();
            body.put("id", Ulid.next());
            long hlc = new HybridLogicalClock().now();
            MemoryRequests requests = new MemoryRequests(WriteLimits.DEFAULTS);
            Memory m = requests.create(body, body.get("id").asText(), Instant.ofEpochMilli(HybridLogicalClock.millis(hlc)));
            return codec.encode(WalEntries.memoryChange(Operation.CREATE, "bench-tenant", m.getId(), m.getNamespace(), m,
                    hlc, "us-west", 1)).length;
        } finally {
            WalCodecs.close(codec);
        }
    }

    /** The content size that makes an encoded WAL entry about {@code recordSize} bytes (at least 1). */
    static int contentSizeFor(int recordSize) {
        int overhead = encodedSize(100) - 100;
        return Math.max(1, recordSize - overhead);
    }
}
