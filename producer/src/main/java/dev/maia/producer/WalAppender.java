package dev.maia.producer;

import dev.maia.schemas.avro.WALEntry;
import dev.maia.schemas.topology.KafkaSecurity;
import dev.maia.schemas.wal.PositionToken;
import dev.maia.schemas.wal.WalCodec;
import dev.maia.schemas.wal.WalTopics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * Appends WAL entries to the tenant's log: idempotent producer, {@code acks=all}, key = resource type and
 * id, partition chosen by the id ({@link WalRecordKey}) so that every change of one resource stays in one
 * partition, in order. An append is acknowledged only
 * when Kafka has it on every in-sync replica. Batches go through a second, transactional producer so
 * that readers (read_committed) see all of a batch or none of it. A tenant's log is created by
 * {@link WalTopicProvisioner}, never by the broker's auto-creation.
 */
public final class WalAppender implements WalLog, AutoCloseable {
    private final KafkaProducer<String, byte[]> producer;
    private KafkaProducer<String, byte[]> transactional;
    private final String bootstrapServers;
    private final KafkaSecurity security;
    private final WalCodec codec;
    private final String region;
    private final WalTopicProvisioner topics;

    public WalAppender(String bootstrapServers, KafkaSecurity security, String region, WalCodec codec, WalTopicProvisioner topics) {
        this.bootstrapServers = bootstrapServers;
        this.security = security;
        this.region = region;
        this.codec = codec;
        this.topics = topics;
        this.producer = new KafkaProducer<>(settings(bootstrapServers, security, "maia-wal-" + region), new StringSerializer(), new ByteArraySerializer());
    }

    /**
     * The batch producer, started on the first batch. Its transactional id is the region's: a restarted
     * region fences its predecessor and aborts what it left open. Only a region's own write path sends
     * batches, so no other appender ever takes that id.
     */
    private KafkaProducer<String, byte[]> transactional() {
        if (transactional == null) {
            Map<String, Object> tx = settings(bootstrapServers, security, "maia-wal-batch-" + region);
            tx.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "maia-wal-batch-" + region);
            tx.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 30_000);
            transactional = new KafkaProducer<>(tx, new StringSerializer(), new ByteArraySerializer());
            transactional.initTransactions();
        }
        return transactional;
    }

    private static Map<String, Object> settings(String bootstrapServers, KafkaSecurity security, String clientId) {
        Map<String, Object> p = security.clientConfig(bootstrapServers);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        return p;
    }

    @Override
    public void ensureLog(String tenantId) throws InterruptedException {
        topics.ensure(tenantId);
    }

    /** Encodes (stamping the checksum) and appends; completes with the entry's position once acknowledged. */
    @Override
    public CompletableFuture<PositionToken> append(WALEntry entry) {
        CompletableFuture<PositionToken> result = new CompletableFuture<>();
        producer.send(record(entry), (RecordMetadata meta, Exception error) -> {
            if (error != null) {
                result.completeExceptionally(error);
            } else {
                result.complete(position(entry, meta));
            }
        });
        return result;
    }

    /** Appends all entries in one transaction: every one is committed, or none is. */
    @Override
    public synchronized List<PositionToken> appendAll(List<WALEntry> entries) throws ExecutionException, InterruptedException {
        // Encoded first: an entry the codec refuses (no key for an encrypted WAL) must not leave a transaction open.
        List<ProducerRecord<String, byte[]>> records = entries.stream().map(this::record).toList();
        KafkaProducer<String, byte[]> transactional = transactional();
        transactional.beginTransaction();
        try {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (ProducerRecord<String, byte[]> r : records) {
                sent.add(transactional.send(r));
            }
            List<PositionToken> positions = new ArrayList<>();
            for (int i = 0; i < entries.size(); i++) {
                positions.add(position(entries.get(i), sent.get(i).get()));
            }
            transactional.commitTransaction();
            return positions;
        } catch (ExecutionException | InterruptedException | KafkaException e) {
            try {
                transactional.abortTransaction();
            } catch (KafkaException abortFailed) {
                e.addSuppressed(abortFailed);
            }
            throw e;
        }
    }

    private ProducerRecord<String, byte[]> record(WALEntry entry) {
        return new ProducerRecord<>(WalTopics.wal(entry.getTenantId()),
                WalRecordKey.partition(entry.getResourceId(), topics.partitions()), WalRecordKey.key(entry), codec.encode(entry));
    }

    private PositionToken position(WALEntry entry, RecordMetadata meta) {
        return new PositionToken(region, entry.getTenantId(), meta.partition(), meta.offset());
    }

    @Override
    public synchronized void close() {
        producer.close();
        if (transactional != null) {
            transactional.close();
        }
    }
}
