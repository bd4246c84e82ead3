package dev.maia.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maia.cli.server.ApiKeyring;
import dev.maia.producer.WriteConfig;
import dev.maia.localcluster.LocalRegions;
import dev.maia.localcluster.SharedRegions;
import dev.maia.schemas.avro.ResourceType;
import dev.maia.schemas.http.Json;
import io.micrometer.core.instrument.Counter;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One stack per test JVM: the shared three real KRaft clusters with MirrorMaker 2, and a MAIA process
 * per region on top. Test classes use unique tenants so they never see each other's data.
 *
 * <p>Also the one home of what the three-region tests do with the stack: place a tenant, write memories,
 * wait for a region to hold them or to answer a read, read a topic, count what a region applied. The
 * tests extend {@link RegionsTest}, which starts the stack and holds the client.
 */
public final class TestStack {
    private static RegionNodes nodes;
    /** File-configured tenants for the whole run: every test class draws fresh ones (a key each, nothing else until used). */
    private static final int TENANT_POOL = 192;
    private static final AtomicInteger nextTenant = new AtomicInteger();
    private static final List<String> tenantIds = new ArrayList<>();
    /** How long a region may take to hold a write of another region (MirrorMaker, topic discovery, apply). */
    private static final Duration ARRIVAL = Duration.ofSeconds(90);
    /** How long a region may take to answer a read as expected. */
    private static final Duration READ = Duration.ofSeconds(60);
    private static final MaiaClient client = new MaiaClient();

    /** A tenant of the test stack with its API key. Keys are configured at start, so tenants come from a pool. */
    public record Tenant(String id, String key) {
    }

    private TestStack() {
    }

    // ---- the stack -----------------------------------------------------------------------------

    static synchronized RegionNodes nodes() {
        if (nodes == null) {
            try {
                nodes = start();
            } catch (Exception e) {
                throw new IllegalStateException("the three-region test stack did not start", e);
            }
        }
        return nodes;
    }

    private static RegionNodes start() throws Exception {
        LocalRegions regions = SharedRegions.get();
        // Under target/, so that a run that is killed before its teardown leaves nothing outside the build.
        Path work = Files.createDirectories(Path.of("target", "it-regions", Long.toString(ProcessHandle.current().pid())));
        Map<String, String> keys = new TreeMap<>();
        String run = UUID.randomUUID().toString().substring(0, 6);
        for (int i = 0; i < TENANT_POOL; i++) {
            String id = "it-" + run + "-" + i;
            tenantIds.add(id);
            keys.put(id, ApiKeyring.newKey());
        }
        // Tests here restart regions to test other things (a new setting, a crash's recovery); a lease that
        // outlasts a restart keeps their tenants where they put them. FailoverTest runs the default leases.
        RegionNodes started = RegionNodes.start(regions, work, (region, entry) -> { }, ApiKeyring.newKey(), keys,
                Map.of(WriteConfig.LEASE_DURATION_MS, 30_000));
        // Stop the processes, then remove their stores: Chronicle preallocates its files.
        Teardown teardown = new Teardown(work, true);
        teardown.add(started);
        SharedRegions.stopBeforeStack(teardown);
        return started;
    }

    public static LocalRegions regions() {
        return SharedRegions.get();
    }

    static String endpoint(String region) {
        return nodes().node(region).endpoint();
    }

    /** A tenant no other test uses. */
    public static Tenant tenant() {
        RegionNodes n = nodes();
        int next = nextTenant.getAndIncrement();
        if (next >= tenantIds.size()) {
            throw new IllegalStateException("the test run used all " + TENANT_POOL + " pooled tenants: raise TestStack.TENANT_POOL");
        }
        String id = tenantIds.get(next);
        return new Tenant(id, n.topology().tenantKeys().get(id));
    }

    public static String adminKey() {
        return nodes().topology().adminKey();
    }

    // ---- placement -----------------------------------------------------------------------------

    /**
     * Sets a tenant's placement through the admin API of its primary region; fails unless it is accepted.
     * A move of the primary is a migration (202): this waits until it has switched and answers the result.
     */
    public static JsonNode place(String tenant, String mode, String primary, String... replicas) throws Exception {
        String body = Json.write(Map.of("mode", mode, "primary_region", primary, "replicas", List.of(replicas)));
        MaiaClient.Reply r = postPlacement(primary, tenant, body);
        if (r.status() == 202) {
            return awaitSwitched(primary, tenant);
        }
        if (r.status() != 200) {
            throw new AssertionError("placement of " + tenant + " answered " + r.status() + ": " + r.body());
        }
        return r.body();
    }

    /** Waits until the tenant's migration has switched, as {@code region} reads the control log; answers the placement. */
    public static JsonNode awaitSwitched(String region, String tenant) {
        AtomicReference<JsonNode> switched = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            JsonNode p = placementIn(region, tenant);
            switched.set(p);
            return p != null && !p.has("migration");
        });
        return switched.get();
    }

    /** POSTs a placement body as it is to the admin API of a region, and answers whatever it answered. */
    public static MaiaClient.Reply postPlacement(String region, String tenant, String body) throws Exception {
        return client.send("POST", endpoint(region) + placementPath(tenant), adminKey(), body);
    }

    /** GETs a tenant's placement from the admin API of a region. */
    static MaiaClient.Reply getPlacement(String region, String tenant) throws Exception {
        return client.send("GET", endpoint(region) + placementPath(tenant), adminKey(), null);
    }

    /** The tenant's placement as a region knows it, or null while it knows none. */
    static JsonNode placementIn(String region, String tenant) throws Exception {
        MaiaClient.Reply r = getPlacement(region, tenant);
        return r.status() == 200 ? r.body() : null;
    }

    static String placementPath(String tenant) {
        return "/admin/tenants/" + tenant + "/placement";
    }

    // ---- tenants and keys through the admin API -------------------------------------------------

    /** Sends a request with the admin key to a region's admin API; answers whatever it answered. */
    public static MaiaClient.Reply admin(String method, String region, String path, Object body) throws Exception {
        return client.send(method, endpoint(region) + path, adminKey(), body == null ? null : Json.write(body));
    }

    /** A tenant id no other test uses, not configured in any file. */
    static String newTenantId() {
        return "api-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Creates a tenant through a region's admin API with the placement given (null: the default); fails unless 201. */
    static JsonNode createTenant(String region, String id, Map<String, Object> placement) throws Exception {
        Map<String, Object> body = new java.util.LinkedHashMap<>(Map.of("id", id, "name", "tenant " + id, "plan", "pro"));
        if (placement != null) {
            body.put("placement", placement);
        }
        MaiaClient.Reply r = admin("POST", region, "/admin/tenants", body);
        assertThat(r.status()).as("create %s: %s", id, r.body()).isEqualTo(201);
        return r.body();
    }

    /** Issues an API key through a region's admin API; answers the raw key (shown only in this answer). */
    static String issueKey(String region, String tenant) throws Exception {
        MaiaClient.Reply r = admin("POST", region, "/admin/tenants/" + tenant + "/apikeys", Map.of("name", "test key"));
        assertThat(r.status()).as("issue a key of %s: %s", tenant, r.body()).isEqualTo(201);
        return r.body().get("key").asText();
    }

    /** Sends a tenant request to a region until it answers {@code status}; answers that reply. */
    static MaiaClient.Reply awaitStatus(String method, String region, String path, String key, String body, int status) {
        MaiaClient.Reply[] last = new MaiaClient.Reply[1];
        await().atMost(READ).pollInterval(Duration.ofMillis(100)).until(() -> {
            last[0] = client.send(method, endpoint(region) + path, key, body);
            return last[0].status() == status;
        });
        return last[0];
    }

    // ---- writes and reads through the API ------------------------------------------------------

    /** Writes {@code count} memories one POST at a time in a region, content "label i"; answers their ids. */
    static List<String> writeMemories(String region, String key, int count, String label) throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            MaiaClient.Reply r = client.send("POST", endpoint(region) + "/v1/memories", key,
                    "{\"namespace\":\"n\",\"content\":\"" + label + " " + i + "\"}");
            assertThat(r.status()).isEqualTo(201);
            ids.add(r.body().get("id").asText());
        }
        return ids;
    }

    /** Writes {@code n} memories through the batch API of a region, 500 a batch; answers their ids. */
    static List<String> writeMemoryBatches(String region, Tenant t, int n) throws Exception {
        List<String> ids = new ArrayList<>();
        for (int done = 0; done < n; done += 500) {
            List<Map<String, Object>> batch = new ArrayList<>();
            for (int i = done; i < Math.min(n, done + 500); i++) {
                batch.add(Map.of("namespace", "n", "content", "memory " + i + " of " + t.id()));
            }
            MaiaClient.Reply r = client.send("POST", endpoint(region) + "/v1/memories/batch", t.key(),
                    Json.write(Map.of("memories", batch)));
            assertThat(r.status()).as("%s", r.body()).isEqualTo(201);
            r.body().get("results").forEach(x -> ids.add(x.get("memory").get("id").asText()));
        }
        return ids;
    }

    /** The value of one series of a Prometheus scrape, or null if the scrape has no such series. */
    static Double metric(String scrape, String series) {
        return scrape.lines().filter(l -> l.startsWith(series + " ")).findFirst()
                .map(l -> Double.parseDouble(l.substring(series.length() + 1).trim())).orElse(null);
    }

    /** GETs a path of a region until the reply satisfies {@code done}; answers that reply. */
    static MaiaClient.Reply awaitGet(String region, String path, String key, Predicate<MaiaClient.Reply> done) {
        MaiaClient.Reply[] last = new MaiaClient.Reply[1];
        await().atMost(READ).pollInterval(Duration.ofMillis(100)).until(() -> {
            last[0] = client.send("GET", endpoint(region) + path, key, null);
            return done.test(last[0]);
        });
        return last[0];
    }

    /** GETs a path of a region until it answers {@code status}; answers that reply. */
    static MaiaClient.Reply awaitGet(String region, String path, String key, int status) {
        return awaitGet(region, path, key, r -> r.status() == status);
    }

    // ---- what a region holds -------------------------------------------------------------------

    /** Whether the region's store holds the memory, live (not deleted). */
    static boolean isLive(String region, String tenant, String id) {
        return nodes().node(region).apply().currentState().live(tenant, ResourceType.memory, id).isPresent();
    }

    /** Waits until the region's store holds every one of the memories, live. */
    static void awaitLive(String region, String tenant, Collection<String> ids) {
        await().atMost(ARRIVAL).pollInterval(Duration.ofMillis(200))
                .until(() -> ids.stream().allMatch(id -> isLive(region, tenant, id)));
    }

    /** The sum of a region's counter over all its series of the tenant (0 when there is none). */
    static double count(String region, String meter, String tenant) {
        return nodes().node(region).registry().find(meter).tag("tenant", tenant).counters().stream()
                .mapToDouble(Counter::count).sum();
    }

    /** How many WAL entries of the tenant the region has applied since its process started. */
    static double applied(String region, String tenant) {
        return count(region, "maia.apply.applied", tenant);
    }

    // ---- the maia command ----------------------------------------------------------------------

    /** What a {@code maia} command printed on stdout, and its exit code. */
    public record CommandRun(int exit, String out) {
        public JsonNode json() throws Exception {
            return Json.MAPPER.readTree(out);
        }
    }

    /** Runs a {@code maia} command in this JVM, as the launcher would, capturing what it prints. */
    public static CommandRun maia(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream original = System.out;
        // System.out is one for the whole JVM: one command at a time.
        synchronized (TestStack.class) {
            System.setOut(new PrintStream(out, true));
            try {
                return new CommandRun(new CommandLine(new MaiaCommand()).execute(args), out.toString());
            } finally {
                System.setOut(original);
            }
        }
    }

    /** The stack's topology in a file, as {@code --topology} reads it. */
    public static Path topologyFile() throws Exception {
        Path file = Files.createTempFile("maia-topology", ".yaml");
        nodes().topology().write(file);
        return file;
    }

    // ---- Kafka ---------------------------------------------------------------------------------

    /**
     * A client configuration of a region's cluster as the admin, a super user: what a test that forges or
     * inspects records needs; the stack runs TLS with client certificates and ACLs.
     */
    public static Map<String, Object> kafkaClient(String region) {
        return regions().security().admin().clientConfig(regions().bootstrapServers(region));
    }

    /** {@link #kafkaClient} for the control cluster. */
    public static Map<String, Object> controlClient() {
        return regions().security().admin().clientConfig(regions().controlBootstrapServers());
    }

    /** An admin client of a region's cluster; the caller closes it. */
    static Admin admin(String region) {
        return Admin.create(kafkaClient(region));
    }

    /** The names of every topic in a region's cluster. */
    static Set<String> topics(String region) throws Exception {
        try (Admin admin = admin(region)) {
            return admin.listTopics().names().get(10, TimeUnit.SECONDS);
        }
    }

    /** Every record of a topic in a region's cluster, read from the beginning. */
    static List<ConsumerRecord<String, byte[]>> readAll(String region, String topic) {
        Map<String, Object> config = kafkaClient(region);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            return out;
        }
    }
}
