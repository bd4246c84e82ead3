package dev.maia.schemas.wal.registry;

import dev.maia.schemas.avro.Memory;
import dev.maia.schemas.avro.Namespace;
import dev.maia.schemas.avro.Operation;
import dev.maia.schemas.avro.WALEntry;
import dev.maia.schemas.wal.AvroClasses;
import dev.maia.schemas.wal.CorruptEntryException;
import dev.maia.schemas.wal.HybridLogicalClock;
import dev.maia.schemas.wal.SingleObjectWalCodec;
import dev.maia.schemas.wal.WalChecksum;
import dev.maia.schemas.wal.WalCodec;
import dev.maia.schemas.wal.WalCodecs;
import dev.maia.schemas.wal.WalEntries;
import dev.maia.schemas.wal.WalTopics;
import io.apicurio.registry.serde.SerdeConfig;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerdeConfig;
import com.sun.net.httpserver.HttpServer;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.fail;

/** ApicurioWalCodec against a real Apicurio Registry (a child JVM started from the Central distribution). */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ApicurioWalCodecTest {
    static {
        AvroClasses.trust();
    }

    private static final Logger log = LoggerFactory.getLogger(ApicurioWalCodecTest.class);
    private static RegistryServer registry;
    private static ApicurioWalCodec codec;

    @BeforeAll
    static void startRegistry() throws Exception {
        // The serde's cache logs every failed lookup at ERROR with a stack trace; these tests provoke
        // 70-odd of them on purpose (unknown ids, unreachable registry).
        Configurator.setLevel("io.apicurio.registry.resolver.ERCache", Level.OFF);
        registry = RegistryServer.start();
        log.info("Apicurio Registry ready at {} after {} ms", registry.url(), registry.startTime().toMillis());
        codec = new ApicurioWalCodec(registry.url());
    }

    @AfterAll
    static void stopRegistry() {
        try {
            if (codec != null) {
                codec.close();
            }
        } finally {
            if (registry != null) {
                registry.close();
            }
        }
    }

    /** Runs first, while the registry holds no WALEntry artifact: like a wrong, empty or wiped registry. */
    @Test
    @Order(1)
    void aRegistryWithoutTheWalArtifactIsAnOutageNotCorruption() throws Exception {
        byte[] single = new SingleObjectWalCodec().encode(memoryEntry("tenant-a", "good data", 1));
        byte[] framed = new byte[9 + single.length - SingleObjectWalCodec.HEADER_SIZE];
        ByteBuffer.wrap(framed).put((byte) 0).putLong(1L)
                .put(single, SingleObjectWalCodec.HEADER_SIZE, single.length - SingleObjectWalCodec.HEADER_SIZE);
        try (ApicurioWalCodec reader = new ApicurioWalCodec(registry.url())) {
            assertThatThrownBy(() -> reader.decode(framed))
                    .isInstanceOf(SchemaRegistryUnavailableException.class)
                    .hasMessageContaining("wrong, empty or wiped registry");
            // Once a writer has registered the schema, the same registry is trusted to know its ids.
            byte[] written = reader.encode(memoryEntry("tenant-a", "good data", 1));
            assertThat(reader.decode(written).getTenantId()).isEqualTo("tenant-a");
            ByteBuffer.wrap(framed, 1, 8).putLong(999_999L);
            assertThat(reason(() -> reader.decode(framed))).isEqualTo("unknown_schema");
        }
    }

    @Test
    void aServerThatIsNoRegistryIsAnOutageNotCorruption() throws Exception {
        byte[] good = codec.encode(memoryEntry("tenant-a", "good data", 1));
        HttpServer notARegistry = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        notARegistry.createContext("/", exchange -> {
            byte[] body = "<html>no such page</html>".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/html");
            exchange.sendResponseHeaders(404, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        notARegistry.start();
        try (ApicurioWalCodec misconfigured = new ApicurioWalCodec(
                "http://127.0.0.1:" + notARegistry.getAddress().getPort() + "/apis/registry/v2")) {
            assertThatThrownBy(() -> misconfigured.decode(good)).isInstanceOf(SchemaRegistryUnavailableException.class);
        } finally {
            notARegistry.stop(0);
        }
    }

    @Test
    void roundTripsThroughTheRegistryWithTheDocumentedLayout() throws Exception {
        WALEntry entry = memoryEntry("tenant-a", "hello", 2);
        byte[] bytes = codec.encode(entry);

        assertThat(codec.prefixSize()).isEqualTo(9);
        assertThat(bytes[0]).isEqualTo((byte) 0);
        long id = ByteBuffer.wrap(bytes, 1, 8).getLong();
        assertThat(id).isPositive().isEqualTo(codec.schemaId(bytes));
        assertThat(entry.getChecksum().bytes()).containsExactly(Arrays.copyOfRange(bytes, 9, 13));
        WalChecksum.verify(bytes, codec.prefixSize());

        WALEntry back = codec.decode(bytes);
        assertThat(back).isEqualTo(entry);
        assertThat(back.getData()).isEqualTo(entry.getData());

        // The Avro body is exactly what the registry-less codec writes after its header: same checksum.
        byte[] single = new SingleObjectWalCodec().encode(entry);
        assertThat(Arrays.copyOfRange(bytes, codec.prefixSize(), bytes.length))
                .containsExactly(Arrays.copyOfRange(single, SingleObjectWalCodec.HEADER_SIZE, single.length));

        // One artifact keyed by the record's full name, whatever the topic.
        HttpResponse<String> meta = http("GET", registry.url() + "/groups/" + ApicurioWalCodec.ARTIFACT_GROUP
                + "/artifacts/" + ApicurioWalCodec.ARTIFACT_ID + "/meta", null);
        assertThat(meta.statusCode()).isEqualTo(200);
        assertThat(meta.body()).contains("\"globalId\":" + id);

        // Standard Apicurio framing: the stock deserializer reads it too.
        try (AvroKafkaDeserializer<Object> stock = new AvroKafkaDeserializer<>()) {
            stock.configure(Map.of(SerdeConfig.REGISTRY_URL, registry.url(),
                    AvroKafkaSerdeConfig.USE_SPECIFIC_AVRO_READER, true), false);
            assertThat(stock.deserialize("us-west.maia.wal.tenant-a", bytes)).isEqualTo(entry);
        }
    }

    @Test
    void aWriterAndASeparateReaderAgreeForEveryTenantAndMirror() throws Exception {
        List<WALEntry> entries = List.of(
                memoryEntry("tenant-a", "first", 1),
                memoryEntry("tenant-b", "second", 7),
                WalEntries.memoryChange(Operation.DELETE, "tenant-c", "m9", "ns", null, HybridLogicalClock.pack(1_700_000_000_500L, 1), "eu-central", 3),
                WalEntries.namespaceChange(Operation.CREATE, "tenant-a", "n1", namespace(), HybridLogicalClock.pack(1_700_000_000_600L, 0), "us-west", 1));
        List<byte[]> written = new ArrayList<>();
        try (ApicurioWalCodec writer = new ApicurioWalCodec(registry.url());
             ApicurioWalCodec otherWriter = new ApicurioWalCodec(registry.url());
             ApicurioWalCodec reader = new ApicurioWalCodec(registry.url())) {
            for (WALEntry e : entries) {
                written.add(writer.encode(e));
            }
            byte[] fromOtherRegion = otherWriter.encode(memoryEntry("tenant-z", "elsewhere", 4));
            assertThat(otherWriter.schemaId(fromOtherRegion)).isEqualTo(writer.schemaId(written.get(0)));
            for (int i = 0; i < entries.size(); i++) {
                assertThat(writer.schemaId(written.get(i))).isEqualTo(writer.schemaId(written.get(0)));
                assertThat(reader.decode(written.get(i))).isEqualTo(entries.get(i));
            }
            assertThat(reader.decode(fromOtherRegion).getTenantId()).isEqualTo("tenant-z");
        }
        assertThat(WalTopics.wal("tenant-a")).isEqualTo("maia.wal.tenant-a");
    }

    @Test
    void everySingleBitFlipIsDetected() throws Exception {
        byte[] bytes = codec.encode(memoryEntry("tenant-a", "some content worth protecting", 5));
        int prefix = codec.prefixSize();
        List<String> reasons = new ArrayList<>();
        for (int i = 0; i < bytes.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] copy = bytes.clone();
                copy[i] ^= (byte) (1 << bit);
                try {
                    codec.decode(copy);
                    fail("flip of bit " + bit + " in byte " + i + " of " + bytes.length + " went undetected");
                } catch (CorruptEntryException expected) {
                    String where = i == 0 ? "magic" : i < prefix ? "id" : "body";
                    reasons.add(where + ":" + expected.reason());
                }
            }
        }
        assertThat(reasons).hasSize(bytes.length * 8);
        // The body (checksum slot included) is covered by the CRC; the prefix is checked by framing and registry:
        // a flipped id names no schema, a schema of another record, or another WALEntry version under which
        // the body does not decode to its end (other tests register such ones).
        assertThat(reasons.stream().filter(r -> r.startsWith("body:")))
                .hasSize((bytes.length - prefix) * 8).allMatch(r -> r.equals("body:checksum_mismatch"));
        assertThat(reasons.stream().filter(r -> r.startsWith("magic:"))).hasSize(8).allMatch(r -> r.equals("magic:bad_header"));
        assertThat(reasons.stream().filter(r -> r.startsWith("id:"))).hasSize(64)
                .allMatch(r -> r.equals("id:unknown_schema") || r.equals("id:undecodable"));
    }

    @Test
    void anUnknownSchemaIdIsCorrupt() {
        byte[] bytes = codec.encode(memoryEntry("tenant-a", "x", 0));
        ByteBuffer.wrap(bytes, 1, 8).putLong(999_999L);
        assertThatThrownBy(() -> codec.decode(bytes))
                .isInstanceOfSatisfying(CorruptEntryException.class, e -> assertThat(e.reason()).isEqualTo("unknown_schema"))
                .hasMessageContaining("999999");
    }

    @Test
    void anIdOfAnotherRecordTypeIsCorrupt() throws Exception {
        String other = "{\"type\":\"record\",\"name\":\"Other\",\"namespace\":\"test\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"}]}";
        long otherId = register("test", "Other", other);
        byte[] bytes = codec.encode(memoryEntry("tenant-a", "x", 0));
        ByteBuffer.wrap(bytes, 1, 8).putLong(otherId);
        assertThatThrownBy(() -> codec.decode(bytes))
                .isInstanceOfSatisfying(CorruptEntryException.class, e -> assertThat(e.reason()).isEqualTo("unknown_schema"))
                .hasMessageContaining("test.Other");
    }

    @Test
    void truncatedAndForeignValuesAreCorrupt() {
        byte[] bytes = codec.encode(memoryEntry("tenant-a", "x", 0));
        assertThat(reason(() -> codec.decode(null))).isEqualTo("truncated");
        assertThat(reason(() -> codec.decode(new byte[12]))).isEqualTo("truncated");
        assertThat(reason(() -> codec.decode(Arrays.copyOf(bytes, bytes.length - 1)))).isEqualTo("checksum_mismatch");
        byte[] singleObject = new SingleObjectWalCodec().encode(memoryEntry("tenant-a", "x", 0));
        assertThat(reason(() -> codec.decode(singleObject))).isEqualTo("bad_header");
    }

    @Test
    void aNewReaderReadsEntriesWrittenWithAnOlderSchemaVersionFromTheRegistry() throws Exception {
        // The WAL schema before placement_epoch existed, registered as another version's content.
        Schema current = WALEntry.SCHEMA$;
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : current.getFields()) {
            if (!f.name().equals("placement_epoch")) {
                fields.add(new Schema.Field(f, f.schema()));
            }
        }
        Schema old = Schema.createRecord(current.getName(), current.getDoc(), current.getNamespace(), false, fields);
        long oldId = register("test-old", "WALEntry", old.toString());

        WALEntry entry = memoryEntry("tenant-a", "from an old writer", 9);
        GenericRecord record = new GenericData.Record(old);
        for (Schema.Field f : old.getFields()) {
            record.put(f.name(), entry.get(f.name()));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.write(ByteBuffer.allocate(8).putLong(oldId).array());
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        new SpecificDatumWriter<GenericRecord>(old, SpecificData.getForSchema(WALEntry.SCHEMA$)).write(record, encoder);
        encoder.flush();
        byte[] bytes = out.toByteArray();
        WalChecksum.stamp(bytes, 9);

        WALEntry back = codec.decode(bytes);
        assertThat(back.getPlacementEpoch()).isZero();
        assertThat(back.getId()).isEqualTo(entry.getId());
        assertThat(back.getData()).isEqualTo(entry.getData());
    }

    @Test
    void anUnreachableRegistryIsAnOutageNotCorruption() throws Exception {
        byte[] good = codec.encode(memoryEntry("tenant-a", "good data", 1));
        String nowhere = "http://127.0.0.1:" + RegistryServer.freePort() + "/apis/registry/v2";
        try (ApicurioWalCodec offline = new ApicurioWalCodec(nowhere)) {
            Throwable decode = catchThrowable(() -> offline.decode(good));
            assertThat(decode).isInstanceOf(SchemaRegistryUnavailableException.class)
                    .isNotInstanceOf(CorruptEntryException.class)
                    .hasMessageContaining(nowhere).hasMessageContaining("not a corrupt entry")
                    .hasMessageContaining("schema id " + codec.schemaId(good));
            log.info("offline decode: {}", decode.getMessage());

            assertThatThrownBy(() -> offline.encode(memoryEntry("tenant-a", "new", 1)))
                    .isInstanceOf(SchemaRegistryUnavailableException.class).hasMessageContaining(nowhere);

            // Corruption is still detected without the registry: the checksum comes first.
            byte[] corrupt = good.clone();
            corrupt[corrupt.length - 1] ^= 1;
            assertThat(reason(() -> offline.decode(corrupt))).isEqualTo("checksum_mismatch");
        }
    }

    /** What a region does at start: the schema its writes will name, resolved before the first of them. */
    @Test
    void theWriterSchemaResolvedAheadIsTheOneTheFirstWriteNames() throws Exception {
        try (ApicurioWalCodec fresh = new ApicurioWalCodec(registry.url())) {
            long id = fresh.resolveWriterSchema();
            assertThat(fresh.schemaId(fresh.encode(memoryEntry("tenant-a", "first", 1)))).isEqualTo(id);
            assertThat(codec.schemaId(codec.encode(memoryEntry("tenant-a", "other writer", 1)))).isEqualTo(id);
        }
        String nowhere = "http://127.0.0.1:" + RegistryServer.freePort() + "/apis/registry/v2";
        try (ApicurioWalCodec offline = new ApicurioWalCodec(nowhere)) {
            assertThatThrownBy(offline::resolveWriterSchema).isInstanceOf(SchemaRegistryUnavailableException.class)
                    .hasMessageContaining(nowhere);
        }
    }

    @Test
    void theFactoryChoosesByTheRegistryUrl() {
        assertThat(WalCodecs.forRegistry(Optional.empty())).isInstanceOf(SingleObjectWalCodec.class);
        assertThat(WalCodecs.forRegistry(Optional.of("  "))).isInstanceOf(SingleObjectWalCodec.class);
        WalCodec chosen = WalCodecs.forRegistry(Optional.of(registry.url()));
        try {
            assertThat(chosen).isInstanceOf(ApicurioWalCodec.class);
            assertThat(((ApicurioWalCodec) chosen).registryUrl()).isEqualTo(registry.url());
        } finally {
            WalCodecs.close(chosen);
        }
    }

    // --- helpers

    private static WALEntry memoryEntry(String tenant, String content, long epoch) {
        Instant at = Instant.ofEpochMilli(1_700_000_000_000L);
        Memory memory = Memory.newBuilder().setId("m1").setNamespace("ns").setContent(content)
                .setMetadata(Map.of("k", "\"v\"")).setTags(List.of("a", "b")).setEmbedding(List.of(0.5f, 1.5f))
                .setCreatedAt(at).setUpdatedAt(at).build();
        return WalEntries.memoryChange(Operation.UPDATE, tenant, "m1", "ns", memory,
                HybridLogicalClock.pack(1_700_000_000_000L, 3), "us-west", epoch);
    }

    private static Namespace namespace() {
        Instant at = Instant.ofEpochMilli(1_700_000_000_000L);
        return Namespace.newBuilder().setId("n1").setName("ns").setConfig(Map.of("ttl", "30"))
                .setCreatedAt(at).setUpdatedAt(at).build();
    }

    private interface Decode {
        void run() throws CorruptEntryException;
    }

    private static String reason(Decode decode) {
        try {
            decode.run();
        } catch (CorruptEntryException e) {
            return e.reason();
        }
        throw new AssertionError("not detected as corrupt");
    }

    /** Registers an Avro artifact through the v2 REST API and returns its global id. */
    private static long register(String group, String artifactId, String schema) throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(registry.url() + "/groups/" + group + "/artifacts?ifExists=RETURN_OR_UPDATE"))
                .header("Content-Type", "application/json")
                .header("X-Registry-ArtifactId", artifactId)
                .header("X-Registry-ArtifactType", "AVRO")
                .POST(HttpRequest.BodyPublishers.ofString(schema)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        Matcher m = Pattern.compile("\"globalId\"\\s*:\\s*(\\d+)").matcher(r.body());
        assertThat(m.find()).as(r.body()).isTrue();
        return Long.parseLong(m.group(1));
    }

    private static HttpResponse<String> http(String method, String url, String body) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }
}
