package dev.maia.schemas.wal.registry;

import dev.maia.schemas.avro.Crc32c;
import dev.maia.schemas.avro.Operation;
import dev.maia.schemas.avro.WALEntry;
import dev.maia.schemas.wal.AvroClasses;
import dev.maia.schemas.wal.CorruptEntryException;
import dev.maia.schemas.wal.WalChecksum;
import dev.maia.schemas.wal.WalCodec;
import dev.maia.schemas.wal.WalEntries;
import io.apicurio.registry.resolver.SchemaLookupResult;
import io.apicurio.registry.resolver.SchemaResolverConfig;
import io.apicurio.registry.resolver.strategy.ArtifactReference;
import io.apicurio.registry.rest.client.exception.NotFoundException;
import io.apicurio.registry.rest.client.exception.RestClientException;
import io.apicurio.registry.serde.AbstractKafkaSerDe;
import io.apicurio.registry.serde.DefaultIdHandler;
import io.apicurio.registry.serde.SerdeConfig;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerdeConfig;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.apicurio.registry.serde.avro.strategy.RecordIdStrategy;
import io.apicurio.registry.serde.config.IdOption;
import io.apicurio.rest.client.error.ApicurioRestClientException;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The registry-backed WAL codec: Apicurio Registry's Avro serde (2.x light client, v2 REST API, which
 * 2.x and 3.x servers both serve) with the schema id embedded in the record value.
 *
 * <h2>Byte layout</h2>
 * <pre>
 *  offset 0      1 byte   magic 0x00 (Apicurio / Confluent framing)
 *  offset 1      8 bytes  global id of the writer's schema in the registry, big-endian long
 *                         (DefaultIdHandler, use-id=globalId)
 *  offset 9      4 bytes  CRC32C, big-endian = WALEntry.checksum, the first field of the Avro body
 *  offset 13..   the rest of the Avro binary body of the WALEntry
 * </pre>
 * The body (offset {@link #prefixSize()} on) is the plain Avro binary encoding, byte for byte what
 * {@code SingleObjectWalCodec} writes after its 10-byte header, so the checksum of an entry is the same
 * under both codecs. Any stock Apicurio {@code AvroKafkaDeserializer} (8-byte global id, headers off)
 * can read these values.
 *
 * <h2>Which artifact</h2>
 * {@link RecordIdStrategy}: group {@code dev.maia.schemas.avro}, artifact {@code WALEntry}, whatever the
 * topic. Every tenant topic {@code maia.wal.<tenant>} and every mirror {@code <region>.maia.wal.<tenant>}
 * therefore shares one artifact whose versions are the versions of the WAL schema; a topic-keyed strategy
 * would register one artifact per tenant and again per mirror (MirrorMaker renames topics, not bytes).
 * The schema is registered dereferenced (Memory and Namespace inline), so one global id names it whole.
 *
 * <h2>Decoding</h2>
 * In this order, so that corruption is detected without the registry: length, magic byte, checksum
 * ({@link WalChecksum#verify}); then the writer's schema is resolved by id through the deserializer's
 * cached resolver, must be a {@code WALEntry} record, and the body must decode under it to its last
 * byte. Outcomes: {@code truncated}, {@code bad_header}, {@code checksum_mismatch}, {@code unknown_schema}
 * (the registry answers that no such id exists, or the id names a schema that is not a WALEntry, and the
 * registry does hold the WALEntry artifact, so it is the writers' registry), {@code undecodable}. A
 * registry that cannot answer, or that holds no WALEntry artifact at all (wrong, empty or wiped), throws
 * the unchecked {@link SchemaRegistryUnavailableException} instead, since that is not the record's fault.
 *
 * <p>The id prefix is not covered by the CRC (the checksum stays codec-independent). A flipped id bit
 * mostly names no schema ({@code unknown_schema}) or a non-WALEntry one; one that names another WALEntry
 * version is caught when the body does not decode to exactly its end, short of a rare coincidence.
 *
 * <p>Thread-safe. Ids and schemas are immutable in the registry, so lookups are cached for a long time
 * and a cached id keeps decoding through a registry outage.
 */
public final class ApicurioWalCodec implements WalCodec, AutoCloseable {
    static {
        AvroClasses.trust();
    }

    /** The record full name the registry artifact is keyed by (group = namespace, artifact id = name). */
    public static final String ARTIFACT_GROUP = WALEntry.SCHEMA$.getNamespace();
    public static final String ARTIFACT_ID = WALEntry.SCHEMA$.getName();
    /** Passed to the serde as the topic; {@link RecordIdStrategy} ignores it. */
    static final String SERDE_TOPIC = "maia.wal";
    /** Ids never change meaning; refreshing them would only make a registry outage visible. */
    static final Duration CACHE_LIFETIME = Duration.ofDays(365);

    private static final String NOT_CORRUPT = "this is not a corrupt entry: retry when the registry is back";
    private static final Crc32c EMPTY_CHECKSUM = new Crc32c(new byte[WalChecksum.SIZE]);

    private final String registryUrl;
    private final AvroKafkaSerializer<WALEntry> serializer = new AvroKafkaSerializer<>();
    private final AvroKafkaDeserializer<WALEntry> deserializer = new AvroKafkaDeserializer<>();
    private final int prefixSize;
    private final SpecificData readerModel = SpecificData.getForSchema(WALEntry.SCHEMA$);
    private final Map<Long, SpecificDatumReader<WALEntry>> readers = new ConcurrentHashMap<>();
    /** Whether this registry was seen to hold the WALEntry artifact (see {@link #notAWalSchema}). */
    private volatile boolean walArtifactSeen;

    public ApicurioWalCodec(String registryUrl) {
        this(registryUrl, Map.of());
    }

    /**
     * @param registryUrl the registry's v2 API, e.g. {@code http://registry:8080/apis/registry/v2}
     *                    (a base URL without the path gets it appended by the client)
     * @param overrides   further {@code apicurio.registry.*} settings (auth, TLS, auto-register off...),
     *                    applied over this codec's defaults; the id handler and headers must stay as they are
     */
    public ApicurioWalCodec(String registryUrl, Map<String, ?> overrides) {
        this.registryUrl = Objects.requireNonNull(registryUrl, "registryUrl");
        Map<String, Object> config = new HashMap<>();
        config.put(SerdeConfig.REGISTRY_URL, registryUrl);
        config.put(SerdeConfig.ARTIFACT_RESOLVER_STRATEGY, RecordIdStrategy.class.getName());
        config.put(SerdeConfig.AUTO_REGISTER_ARTIFACT, Boolean.TRUE);
        config.put(SerdeConfig.AUTO_REGISTER_ARTIFACT_IF_EXISTS, "RETURN_OR_UPDATE");
        config.put(SchemaResolverConfig.DEREFERENCE_SCHEMA, Boolean.TRUE);
        config.put(SerdeConfig.CHECK_PERIOD_MS, CACHE_LIFETIME.toMillis());
        config.put(SchemaResolverConfig.FAULT_TOLERANT_REFRESH, Boolean.TRUE);
        config.put(AvroKafkaSerdeConfig.AVRO_ENCODING, AvroKafkaSerdeConfig.AVRO_ENCODING_BINARY);
        config.put(AvroKafkaSerdeConfig.USE_SPECIFIC_AVRO_READER, Boolean.TRUE);
        config.putAll(overrides);
        // The framing is the contract of this codec: payload-embedded 8-byte global id, no Kafka headers
        // (the codec only sees the value, and MirrorMaker copies values). Not overridable.
        config.put(SerdeConfig.ENABLE_HEADERS, Boolean.FALSE);
        config.put(SerdeConfig.ENABLE_CONFLUENT_ID_HANDLER, Boolean.FALSE);
        config.put(SerdeConfig.ID_HANDLER, DefaultIdHandler.class.getName());
        config.put(SerdeConfig.USE_ID, IdOption.globalId.name());
        serializer.configure(config, false);
        deserializer.configure(config, false);
        this.prefixSize = 1 + serializer.getIdHandler().idSize();
        if (deserializer.getIdHandler().idSize() != prefixSize - 1) {
            throw new IllegalStateException("serializer and deserializer disagree on the schema id size");
        }
    }

    /** Magic byte plus schema id: the offset of the Avro body, whose first 4 bytes are the checksum. */
    public int prefixSize() {
        return prefixSize;
    }

    public String registryUrl() {
        return registryUrl;
    }

    /** The registry global id a value names (no validation beyond its length). */
    public long schemaId(byte[] value) {
        ArtifactReference ref = deserializer.getIdHandler().readId(ByteBuffer.wrap(value, 1, prefixSize - 1));
        return ref.getGlobalId();
    }

    /**
     * Registers (or looks up) the WAL schema this codec writes and keeps its id, as the first {@link #encode} would;
     * answers the id. A region calls it at start so that its first writes do not wait for the registry: on the
     * freshly started compose stack the first registration took 16 s, and every write in flight made its own.
     *
     * @throws SchemaRegistryUnavailableException when the registry cannot answer (nothing is cached; encode tries again)
     */
    public long resolveWriterSchema() {
        WALEntry probe = WalEntries.memoryChange(Operation.DELETE, "maia-schema-probe", "probe", "probe", null, 0,
                "maia-schema-probe", 0);
        return schemaId(encode(probe));
    }

    @Override
    public byte[] encode(WALEntry entry) {
        Crc32c given = entry.getChecksum();
        entry.setChecksum(EMPTY_CHECKSUM);
        byte[] bytes;
        try {
            bytes = serializer.serialize(SERDE_TOPIC, entry);
        } catch (ApicurioRestClientException e) {
            entry.setChecksum(given);
            throw unavailable("cannot register or look up the WALEntry schema (group " + ARTIFACT_GROUP
                    + ", artifact " + ARTIFACT_ID + ")", e, "nothing was written");
        } catch (RuntimeException e) {
            entry.setChecksum(given);
            throw e;
        }
        if (bytes.length < prefixSize + WalChecksum.SIZE || bytes[0] != AbstractKafkaSerDe.MAGIC_BYTE) {
            entry.setChecksum(given);
            throw new IllegalStateException("the Apicurio serializer did not write the expected framing ("
                    + bytes.length + " bytes, first " + (bytes.length == 0 ? "none" : bytes[0]) + ")");
        }
        WalChecksum.stamp(bytes, prefixSize);
        entry.setChecksum(new Crc32c(Arrays.copyOfRange(bytes, prefixSize, prefixSize + WalChecksum.SIZE)));
        return bytes;
    }

    @Override
    public WALEntry decode(byte[] value) throws CorruptEntryException {
        if (value == null || value.length < prefixSize + WalChecksum.SIZE) {
            throw new CorruptEntryException("truncated", "record value too short to be a registry-framed WAL entry");
        }
        if (value[0] != AbstractKafkaSerDe.MAGIC_BYTE) {
            throw new CorruptEntryException("bad_header", String.format(
                    "not a registry-framed WAL entry: magic byte %02x, expected %02x", value[0], AbstractKafkaSerDe.MAGIC_BYTE));
        }
        WalChecksum.verify(value, prefixSize);
        long id = schemaId(value);
        Schema writer = writerSchema(id);
        SpecificDatumReader<WALEntry> reader = readers.computeIfAbsent(id,
                k -> new SpecificDatumReader<>(writer, WALEntry.SCHEMA$, readerModel));
        try {
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(value, prefixSize, value.length - prefixSize, null);
            WALEntry entry = reader.read(null, decoder);
            if (!decoder.isEnd()) {
                throw new CorruptEntryException("undecodable",
                        "WAL entry body does not end where schema id " + id + " says it should");
            }
            return entry;
        } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException | NegativeArraySizeException
                 | ClassCastException | IllegalArgumentException e) {
            throw new CorruptEntryException("undecodable", "cannot decode WAL entry with schema id " + id + ": " + e, e);
        }
    }

    private Schema writerSchema(long id) throws CorruptEntryException {
        SchemaLookupResult<Schema> found;
        try {
            found = deserializer.getSchemaResolver()
                    .resolveSchemaByArtifactReference(ArtifactReference.builder().globalId(id).build());
        } catch (ApicurioRestClientException e) {
            if (isNotFound(e)) {
                throw notAWalSchema(id, "schema id " + id + " is not known to the registry at " + registryUrl, e);
            }
            throw unavailable("cannot look up schema id " + id, e, NOT_CORRUPT);
        } catch (AvroRuntimeException e) {
            throw notAWalSchema(id, "schema id " + id + " is not an Avro schema: " + e.getMessage(), e);
        } catch (UncheckedIOException e) {
            throw unavailable("cannot read schema id " + id, e, NOT_CORRUPT);
        }
        Schema schema = found == null || found.getParsedSchema() == null ? null : found.getParsedSchema().getParsedSchema();
        if (schema == null) {
            throw unavailable("the registry returned no schema for id " + id, null, NOT_CORRUPT);
        }
        if (schema.getType() != Schema.Type.RECORD || !WALEntry.SCHEMA$.getFullName().equals(schema.getFullName())) {
            throw notAWalSchema(id, "schema id " + id + " is " + schema.getType() + " "
                    + schema.getFullName() + ", not " + WALEntry.SCHEMA$.getFullName(), null);
        }
        return schema;
    }

    /**
     * An id that names no WALEntry schema is corrupt only if this registry is the one the writers use.
     * A wrong, empty or wiped registry (another region's unreplicated one, a fresh in-memory one) would
     * otherwise turn every good record into a dead letter; it holds no WALEntry artifact, so check that once.
     */
    private CorruptEntryException notAWalSchema(long id, String message, Exception cause) {
        if (!walArtifactSeen) {
            try {
                deserializer.getSchemaResolver().resolveSchemaByArtifactReference(
                        ArtifactReference.builder().groupId(ARTIFACT_GROUP).artifactId(ARTIFACT_ID).build());
                walArtifactSeen = true;
            } catch (ApicurioRestClientException | AvroRuntimeException | UncheckedIOException e) {
                throw unavailable(message + ", and the registry does not show the " + ARTIFACT_GROUP + "/" + ARTIFACT_ID
                        + " artifact either: wrong, empty or wiped registry?", e, NOT_CORRUPT);
            }
        }
        return new CorruptEntryException("unknown_schema", message, cause);
    }

    private static boolean isNotFound(ApicurioRestClientException e) {
        if (e instanceof NotFoundException) {
            return true;
        }
        if (e instanceof RestClientException r && r.getError() != null) {
            return Integer.valueOf(404).equals(r.getError().getErrorCode());
        }
        return false;
    }

    private SchemaRegistryUnavailableException unavailable(String what, RuntimeException e, String consequence) {
        return new SchemaRegistryUnavailableException(registryUrl,
                what + ": schema registry at " + registryUrl + " is unreachable or failing"
                        + (e == null ? "" : " (" + describe(e) + ")") + "; " + consequence, e);
    }

    static String describe(RuntimeException e) {
        if (e instanceof RestClientException r && r.getError() != null) {
            var error = r.getError();
            return (error.getName() == null ? e.getClass().getSimpleName() : error.getName())
                    + (error.getErrorCode() == null ? "" : ", HTTP " + error.getErrorCode())
                    + (error.getMessage() == null ? "" : ": " + error.getMessage());
        }
        return e.toString();
    }

    @Override
    public void close() {
        try {
            serializer.close();
        } finally {
            deserializer.close();
        }
    }
}
