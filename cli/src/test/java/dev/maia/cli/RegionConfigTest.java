package dev.maia.cli;

import dev.maia.schemas.avro.SyncMode;
import dev.maia.cli.server.ApiKeyring;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The region YAML of maia serve: loaded, overridden from the environment, refused by key name. */
class RegionConfigTest {
    @TempDir
    Path dir;

    private Path yaml(String text) throws Exception {
        Path file = dir.resolve("region.yaml");
        Files.writeString(file, text);
        return file;
    }

    @Test
    void loadsAFileAndTakesEnvironmentOverrides() throws Exception {
        String hash = ApiKeyring.hash("secret");
        Path file = yaml("""
                region: us-west
                bootstrap_servers: 127.0.0.1:9092
                http_port: 18080
                work_dir: /tmp/maia-us-west
                sync_mode: semi-sync
                on_sync_timeout: degrade
                tenant_keys_sha256: {acme: %s}
                """.formatted(hash));
        RegionConfig c = RegionConfig.load(file, Map.of("MAIA_BOOTSTRAP_SERVERS", "10.0.0.1:9092", "MAIA_HTTP_PORT", "19090"));

        assertThat(c.writeConfig().bootstrapServers()).isEqualTo("10.0.0.1:9092");
        assertThat(c.port()).isEqualTo(19090);
        assertThat(c.writeConfig().syncMode()).isEqualTo(SyncMode.semi_sync);
        assertThat(c.writeConfig().degradeOnSyncTimeout()).isTrue();
        assertThat(c.keyring().authenticate("secret")).get().extracting(ApiKeyring.Principal::tenant).isEqualTo("acme");
        assertThat(c.applyConfig().store().directory()).isEqualTo(Path.of("/tmp/maia-us-west/store"));
    }

    @Test
    void badValuesAreRefusedByTheirKey() throws Exception {
        String base = "region: us-west\nbootstrap_servers: k:9092\nwork_dir: /tmp/x\n";
        assertThatThrownBy(() -> RegionConfig.load(yaml(base + "sync_mode: eventually\n"), Map.of()).writeConfig())
                .hasMessageStartingWith("sync_mode:");
        assertThatThrownBy(() -> RegionConfig.load(yaml(base + "on_sync_timeout: shrug\n"), Map.of()).writeConfig())
                .hasMessageStartingWith("on_sync_timeout:");
        assertThatThrownBy(() -> RegionConfig.load(yaml(base + "tenant_keys_sha256: {acme: plaintext}\n"), Map.of()).keyring())
                .hasMessageContaining("tenant_keys_sha256.acme");
        assertThatThrownBy(() -> RegionConfig.load(yaml("region: US West\nbootstrap_servers: k:9092\nwork_dir: /tmp/x\n"), Map.of()).writeConfig())
                .hasMessageStartingWith("region:");
        assertThatThrownBy(() -> RegionConfig.load(yaml(base + "no_such_key: 1\n"), Map.of()))
                .hasMessageContaining("no_such_key");
        assertThatThrownBy(() -> RegionConfig.load(yaml(base), Map.of("MAIA_HTTP_PORT", "eighty")))
                .hasMessageStartingWith("MAIA_HTTP_PORT:");
    }
}
