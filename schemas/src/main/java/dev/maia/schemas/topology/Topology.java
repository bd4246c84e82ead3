package dev.maia.schemas.topology;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The regions of a deployment, as one YAML file that {@code maia demo --topology-out} writes and every
 * other command reads with {@code --topology}. {@code wal_partitions} is the partition count of every
 * tenant's WAL topic in every region: it must be the same everywhere, so that a resource maps to the same
 * partition in every copy of its log; a tool that creates a log itself ({@code maia produce --via kafka})
 * takes it from here. {@code control_bootstrap_servers} names the control cluster, the one Kafka cluster
 * stretched over the regions (a node in each) that holds the control log: every region process, MM2's
 * placement filter and the tools read placements from it, and change them only through it.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Topology(
        @JsonProperty("regions") List<RegionSpec> regions,
        @JsonProperty("admin_key") String adminKey,
        @JsonProperty("tenant_keys") Map<String, String> tenantKeys,
        @JsonProperty("wal_partitions") Integer walPartitions,
        @JsonProperty("control_bootstrap_servers") String controlBootstrapServers,
        @JsonProperty("kafka_security") KafkaSecurity kafkaSecurity) {

    /** What a region uses when its configuration does not say. */
    public static final int DEFAULT_WAL_PARTITIONS = 3;

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES))
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public Topology {
        regions = regions == null ? List.of() : List.copyOf(regions);
        tenantKeys = tenantKeys == null ? Map.of() : Map.copyOf(tenantKeys);
        walPartitions = walPartitions == null ? DEFAULT_WAL_PARTITIONS : walPartitions;
        validate(regions);
        if (walPartitions < 1) {
            throw new TopologyException("wal_partitions: must be >= 1, got " + walPartitions);
        }
    }

    /** A deployment whose regions use the default partition count. */
    public Topology(List<RegionSpec> regions, String adminKey, Map<String, String> tenantKeys) {
        this(regions, adminKey, tenantKeys, null, null, null);
    }

    /** The same deployment, with its control log on the cluster at {@code bootstrapServers}. */
    public Topology withControl(String bootstrapServers) {
        return new Topology(regions, adminKey, tenantKeys, walPartitions, bootstrapServers, kafkaSecurity);
    }

    /** The same deployment, its tools reaching Kafka with {@code security}. */
    public Topology withKafkaSecurity(KafkaSecurity security) {
        return new Topology(regions, adminKey, tenantKeys, walPartitions, controlBootstrapServers, security);
    }

    /**
     * How a tool that reads this file reaches the regions' and the control cluster's Kafka; an error naming
     * the key when the file has none. A missing section is not taken for PLAINTEXT: a file written for a
     * TLS deployment that lost it must not send anything in clear (docs/security.md).
     */
    public KafkaSecurity requireKafkaSecurity() {
        if (kafkaSecurity == null) {
            throw new TopologyException("kafka_security: required (how the tools reach Kafka: protocol SSL with keystore "
                    + "and truststore, or protocol: PLAINTEXT said explicitly)");
        }
        return kafkaSecurity;
    }

    /** The control cluster's bootstrap servers; an error naming the key when the file has none. */
    public String requireControl() {
        if (controlBootstrapServers == null || controlBootstrapServers.isBlank()) {
            throw new TopologyException("control_bootstrap_servers: required (the control cluster that holds the "
                    + "placements of every tenant)");
        }
        return controlBootstrapServers;
    }

    public Topology(List<RegionSpec> regions) {
        this(regions, null, null);
    }

    private static void validate(List<RegionSpec> regions) {
        if (regions.isEmpty()) {
            throw new TopologyException("regions: at least one region is required");
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < regions.size(); i++) {
            RegionSpec r = regions.get(i);
            if (r == null) {
                throw new TopologyException("regions[" + i + "]: empty entry");
            }
            r.validate("regions[" + i + "]");
            if (!seen.add(r.name())) {
                throw new TopologyException("regions[" + i + "].name: duplicate region '" + r.name() + "'");
            }
        }
    }

    public Optional<RegionSpec> region(String name) {
        return regions.stream().filter(r -> r.name().equals(name)).findFirst();
    }

    public RegionSpec requireRegion(String name) {
        return region(name).orElseThrow(() -> new TopologyException(
                "region '" + name + "' is not in the topology (known: " + regionNames() + ")"));
    }

    public List<String> regionNames() {
        return regions.stream().map(RegionSpec::name).toList();
    }

    public static Topology load(Path file) {
        try {
            return YAML.readValue(file.toFile(), Topology.class);
        } catch (IOException e) {
            if (e.getCause() instanceof TopologyException te) {
                throw new TopologyException(file + ": " + te.getMessage(), te);
            }
            String detail = e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
            throw new TopologyException(file + ": " + detail, e);
        }
    }

    public void write(Path file) throws IOException {
        // The file holds the admin and tenant keys in plaintext: owner-only from its creation.
        Path tmp = OwnerOnlyFiles.create(file.resolveSibling(file.getFileName() + ".tmp"));
        try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.TRUNCATE_EXISTING)) {
            YAML.writeValue(out, this);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
