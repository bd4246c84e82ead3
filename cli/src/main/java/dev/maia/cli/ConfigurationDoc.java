package dev.maia.cli;

import dev.maia.apply.ApplyConfig;
import dev.maia.control.config.ServiceConfig;
import dev.maia.control.config.ManagementKeys;
import dev.maia.mirror.MirrorOptions;
import dev.maia.producer.WriteConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.ConfigKey;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * docs/configuration.md, rendered from the keys' declarations (as Kafka renders its configuration
 * pages from {@code ConfigDef}), so the page cannot drift from the code: {@code ConfigurationDocTest}
 * fails when the committed page differs, and rewrites it when asked.
 */
public final class ConfigurationDoc {
    /** The page, relative to the repository's root. */
    public static final Path PAGE = Path.of("docs", "configuration.md");

    /** {@code lead}: what the section's keys configure, when it is not the region's file. */
    private record Section(String title, String lead, String declaredIn, ConfigDef definition) {
    }

    private static final String MIRROR_LEAD = """
            `maia mirror --topology topology.yaml --mirror-config mirror.yaml` runs MirrorMaker 2 between every
            pair of the topology's regions. Its file is optional and holds only the keys below, read like a
            region's: the environment wins, an error names the key, an unknown key is refused.
            `mirror_replication_factor` is every replication factor MirrorMaker 2 uses: of the mirrored topics,
            of its heartbeats, checkpoints and offset-syncs topics, and of its workers' config, offset and
            status topics. MirrorMaker 2 has an identity of its own on every cluster (its certificate, a
            principal of its own): the `kafka_security_protocol` and `kafka_ssl_*` keys of "Every service", in
            this file; without them it needs TLS and refuses to start (security.md).

            ```yaml
            mirror_replication_factor: 3
            kafka_ssl_keystore: /etc/maia/mm2.p12
            kafka_ssl_truststore: /etc/maia/ca.p12
            ```

            """;

    private static final String MANAGEMENT_LEAD = """
            Keys of a region's file and of the mirror's: the listener that serves `/metrics` (Prometheus text)
            and `/health` apart from the API, where Prometheus scrapes (api.md, Operations). The metrics name
            every tenant and its volume: off loopback the listener needs `metrics_key`, and the process refuses
            to start without it.

            ```yaml
            management_host: 0.0.0.0
            management_port: 9464
            metrics_key: a-long-random-secret   # or MAIA_METRICS_KEY
            ```

            """;

    private static final List<Section> SECTIONS = List.of(
            new Section("Every service", "", "`ServiceConfig` (control/)", ServiceConfig.CONFIG_DEF),
            new Section("Write path", "", "`WriteConfig` (producer/)", WriteConfig.CONFIG_DEF),
            new Section("Apply path", "", "`ApplyConfig` (streams-apply/)", ApplyConfig.CONFIG_DEF),
            new Section("Region process", "", "`RegionConfig` (cli/)", RegionConfig.PROCESS_DEF),
            new Section("Management listener (maia serve and maia mirror)", MANAGEMENT_LEAD, "`ManagementKeys` (control/)",
                    ManagementKeys.CONFIG_DEF),
            new Section("MirrorMaker 2 (maia mirror)", MIRROR_LEAD, "`MirrorOptions` (mirror-config/)", MirrorOptions.CONFIG_DEF));

    /** Keys a section leaves to the one that declares them (the mirror's file also takes the management and security keys). */
    private static final Set<String> SHARED = java.util.stream.Stream.of(ServiceConfig.CONFIG_DEF, ManagementKeys.CONFIG_DEF)
            .flatMap(d -> d.names().stream()).collect(java.util.stream.Collectors.toSet());

    private static final String INTRO = """
            # Configuration

            <!-- Rendered from the ConfigDef declarations by dev.maia.cli.ConfigurationDoc: do not edit by hand.
                 Regenerate: %s -->

            `maia serve --config region.yaml --topology topology.yaml` runs one region's process from a YAML
            file of the keys below (but the last section's, which are `maia mirror`'s), one `key: value` a
            line. Every key can also be set by the environment variable beside it, which wins over the file
            (an empty variable counts as unset). The process checks every value before it starts: an error
            names the key (`store_max_entries: must be >= 1, got 0`), and a key it does not know is refused
            rather than ignored.

            ```yaml
            region: us-west
            bootstrap_servers: kafka-1.us-west:9092,kafka-2.us-west:9092
            work_dir: /var/lib/maia
            http_host: 0.0.0.0
            wal_replication_factor: 3
            wal_min_insync_replicas: 2
            admin_key_sha256: 9b3a91136feac4a6472d2cc9af52e9a6f9e367c1e8fcffb5a41c5c2beeaad08e  # sha256 of the admin key
            tenant_keys_sha256:
              acme: 742d52301f7b16c49e6e80f45d6b8c8baac08c1bd7b97d6c77252d6137c39669
            ```

            Each key is declared once, with its type, default, check and description, in the class named
            in its section; a key of every service is read by both the write and the apply path. Required
            keys have no default. `-1` for a replication setting takes the Kafka cluster's own default.

            What every region must agree on is not here but in the topology file (`--topology`): the
            regions with their Kafka and HTTP endpoints, `wal_partitions` (default 3), the partition count
            of every tenant's WAL topic, so that a resource maps to the same partition in every copy, and
            `control_bootstrap_servers` (required), the control cluster stretched over the regions whose log
            holds every tenant's placement (architecture.md, section 6). Its `kafka_security` section is how the
            tools that read it (`produce --via kafka`, `lag`, `verify`) reach Kafka: `protocol` (SSL unless
            PLAINTEXT is written), `keystore`, `keystore_password`, `truststore`, `truststore_password`; a tool
            that talks to Kafka refuses a topology without it (security.md).
            """;

    /** The command that rewrites the page; also in the failure of {@code ConfigurationDocTest}. */
    public static final String REGENERATE = "mvn -B -pl cli -am test -Dtest=ConfigurationDocTest "
            + "-Dsurefire.failIfNoSpecifiedTests=false -Dmaia.docs.write=true";

    private ConfigurationDoc() {
    }

    public static String render() {
        StringBuilder page = new StringBuilder(INTRO.formatted(REGENERATE));
        for (Section section : SECTIONS) {
            page.append("\n## ").append(section.title()).append("\n\n")
                    .append(section.lead())
                    .append("Declared in ").append(section.declaredIn()).append(".\n\n")
                    .append("| key | type | default | valid values | environment | description |\n")
                    .append("|---|---|---|---|---|---|\n");
            section.definition().configKeys().values().stream()
                    .filter(key -> section.definition() == ServiceConfig.CONFIG_DEF
                            || section.definition() == ManagementKeys.CONFIG_DEF || !SHARED.contains(key.name))
                    .forEach(key -> page.append(row(key)));
        }
        return page.toString();
    }

    public static void main(String[] args) {
        System.out.print(render());
    }

    private static String row(ConfigKey key) {
        return "| `" + key.name + "` | " + key.type.name().toLowerCase(Locale.ROOT) + " | " + defaultValue(key) + " | "
                + (key.validator == null ? "" : cell(key.validator.toString())) + " | `" + EnvironmentOverrides.variable(key.name)
                + "` | " + cell(key.documentation) + " |\n";
    }

    private static String defaultValue(ConfigKey key) {
        if (!key.hasDefault()) {
            return "required";
        }
        String text = ConfigDef.convertToString(key.defaultValue, key.type);
        return text == null || text.isEmpty() ? "unset" : "`" + text + "`";
    }

    private static String cell(String text) {
        return text.replace("|", "\\|");
    }
}
