package dev.maia.producer;

import dev.maia.schemas.avro.WALEntry;
import dev.maia.schemas.wal.PositionToken;
import dev.maia.schemas.wal.WalCodec;
import dev.maia.schemas.wal.WalTopics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Appends WAL entries to the tenant's log: idempotent producer, {@code acks=all}, key = resource id so
 * that every change of one resource stays in one partition, in order. An append is acknowledged only
 * when Kafka has it on every in-sync replica.
 */
public final class WalAppender implements AutoCloseable {
    private final KafkaProducer<String, byte[]> producer;
    private final WalCodec codec;
    private final String region;

    public WalAppender(String bootstrapServers, String region, WalCodec codec) {
        this.region = region;
        this.codec = codec;
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.CLIENT_ID_CONFIG, "maia-wal-" + region,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 1,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000),
                new StringSerializer(), new ByteArraySerializer());
    }

    /** Encodes (stamping the checksum) and appends; completes with the entry's position once acknowledged. */
    public CompletableFuture<PositionToken> append(WALEntry entry) {
        byte[] value = codec.encode(entry);
        CompletableFuture<PositionToken> result = new CompletableFuture<>();
        producer.send(new ProducerRecord<>(WalTopics.wal(entry.getTenantId()), entry.getResourceId(), value),
                (RecordMetadata meta, Exception error) -> {
                    if (error != null) {
                        result.completeExceptionally(error);
                    } else {
                        result.complete(new PositionToken(region, entry.getTenantId(), meta.partition(), meta.offset()));
                    }
                });
        return result;
    }

    @Override
    public void close() {
        producer.close();
    }
}
