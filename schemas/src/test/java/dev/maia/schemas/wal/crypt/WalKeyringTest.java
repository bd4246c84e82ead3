package dev.maia.schemas.wal.crypt;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The keyring file: what it accepts, how it refuses, and that no key material ever shows. */
class WalKeyringTest {
    private static final String K1 = Base64.getEncoder().encodeToString(EncryptedWalCodecTest.key(1));
    private static final String K2 = Base64.getEncoder().encodeToString(EncryptedWalCodecTest.key(2));

    @TempDir
    Path dir;

    private Path file(String text) throws Exception {
        return Files.writeString(dir.resolve("wal-keyring.properties"), text);
    }

    @Test
    void readsKeysTenantsAndTheDefaultWithKeyMaterialFromTheEnvironment() throws Exception {
        WalKeyring ring = WalKeyring.load(file("""
                # rotation in progress: acme on k2, everyone else still on k1
                key.k1 = %s
                key.k2 = env:MAIA_TEST_WAL_KEY_K2
                tenant.acme = k2
                default = k1
                """.formatted(K1)), Map.of("MAIA_TEST_WAL_KEY_K2", K2));

        assertThat(ring.keyIds()).containsExactlyInAnyOrder("k1", "k2");
        assertThat(ring.currentKeyId("acme")).contains("k2");
        assertThat(ring.currentKeyId("globex")).contains("k1");
        assertThat(ring.key("k2").orElseThrow().getEncoded()).isEqualTo(EncryptedWalCodecTest.key(2));
    }

    @Test
    void withoutADefaultAnUnnamedTenantHasNoKey() throws Exception {
        WalKeyring ring = WalKeyring.load(file("key.k1=" + K1 + "\ntenant.acme=k1\n"), Map.of());
        assertThat(ring.currentKeyId("acme")).contains("k1");
        assertThat(ring.currentKeyId("globex")).isEmpty();
    }

    @Test
    void neitherToStringNorAnyErrorShowsKeyMaterial() throws Exception {
        WalKeyring ring = WalKeyring.load(file("key.k1=" + K1 + "\ndefault=k1\n"), Map.of());
        assertThat(ring.toString()).contains("k1").doesNotContain(K1);

        String shortKey = Base64.getEncoder().encodeToString(new byte[16]);
        assertThatThrownBy(() -> WalKeyring.load(file("key.k1=" + shortKey + "\n"), Map.of()))
                .hasMessageContaining("key.k1: must be 32 bytes (AES-256), got 16").hasMessageNotContaining(shortKey);
        assertThatThrownBy(() -> WalKeyring.load(file("key.k1=not*base64\n"), Map.of()))
                .hasMessageContaining("key.k1: not base64").hasMessageNotContaining("not*base64");
    }

    @Test
    void refusesWhatItCannotUse() throws Exception {
        assertThatThrownBy(() -> WalKeyring.load(file("default=k1\n"), Map.of())).hasMessageContaining("no keys");
        assertThatThrownBy(() -> WalKeyring.load(file("key.k1=" + K1 + "\ntenant.acme=k9\n"), Map.of()))
                .hasMessageContaining("tenant.acme: no key.k9 in the keyring");
        assertThatThrownBy(() -> WalKeyring.load(file("key.k1=" + K1 + "\ndefault=k9\n"), Map.of()))
                .hasMessageContaining("default: no key.k9");
        assertThatThrownBy(() -> WalKeyring.load(file("key.k1=env:MAIA_TEST_UNSET\n"), Map.of()))
                .hasMessageContaining("key.k1: environment variable MAIA_TEST_UNSET is not set");
        assertThatThrownBy(() -> WalKeyring.load(file("key.k1=" + K1 + "\ncurrent=k1\n"), Map.of()))
                .hasMessageContaining("current: unknown property");
        assertThatThrownBy(() -> WalKeyring.load(file("key.a/b=" + K1 + "\n"), Map.of()))
                .hasMessageContaining("key.a/b: a key id must match");
        assertThatThrownBy(() -> WalKeyring.load(dir.resolve("missing.properties"), Map.of()))
                .hasMessageContaining("missing.properties: cannot read the keyring");
    }
}
