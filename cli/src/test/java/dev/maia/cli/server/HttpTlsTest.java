package dev.maia.cli.server;

import dev.maia.schemas.topology.KafkaSecurity;
import dev.maia.cli.RegionConfig;
import dev.maia.schemas.http.Access;
import dev.maia.schemas.http.HttpResponse;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The HTTP listener with TLS on (http_tls_keystore): HTTPS with the configured certificate, nothing in plain
 * HTTP on the same port, and a key store that does not open stops the configuration, naming the key. The
 * key store is made here, self-signed, by the JDK's keytool.
 */
class HttpTlsTest {
    private static final String PASSWORD = "test-only-" + Long.toHexString(System.nanoTime());

    @TempDir
    static Path dir;
    private static Path keystore;
    private RegionHttpServer server;

    @BeforeAll
    static void makeAKeyStore() throws Exception {
        keystore = TestKeyStores.selfSigned(dir.resolve("http.p12"), PASSWORD);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private RegionHttpServer startTls() {
        server = new RegionHttpServer("test", "api", "127.0.0.1", 0, new HttpLimits(4, 4, 30_000, 10_000, 4096, 1024),
                new ApiKeyring(Map.of(), null), new SimpleMeterRegistry(), Optional.of(new HttpTls(keystore, PASSWORD)));
        server.add("GET", "/v1/things/{id}", Access.PUBLIC, r -> HttpResponse.json(200, Map.of("id", r.pathParam("id"))));
        server.start();
        return server;
    }

    private static HttpClient trusting() throws Exception {
        KeyStore trusted = KeyStore.getInstance(keystore.toFile(), PASSWORD.toCharArray());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(context).connectTimeout(Duration.ofSeconds(10)).build();
    }

    private java.net.http.HttpResponse<String> get(HttpClient client, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(server.endpoint() + path)).timeout(Duration.ofSeconds(30)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aTlsListenerAnswersHttpsWithItsCertificate() throws Exception {
        startTls();
        assertThat(server.endpoint()).startsWith("https://127.0.0.1:");
        var ok = get(trusting(), "/v1/things/a1");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).contains("\"a1\"");
    }

    @Test
    void aClientThatDoesNotTrustTheCertificateIsRefusedAtTheHandshake() {
        startTls();
        HttpClient defaultTrust = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        assertThatThrownBy(() -> get(defaultTrust, "/v1/things/a1")).isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void plainHttpOnTheTlsPortGetsNoAnswer() throws Exception {
        startTls();
        URI uri = URI.create(server.endpoint());
        try (Socket s = new Socket(uri.getHost(), uri.getPort())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write("GET /v1/things/a1 HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] head = in.readNBytes(5);
            assertThat(new String(head, StandardCharsets.US_ASCII)).doesNotStartWith("HTTP");
        }
    }

    @Test
    void aKeyStoreThatDoesNotOpenStopsTheConfigurationNamingTheKey() {
        RegionConfig base = RegionConfig.of("us-west", "localhost:9092", KafkaSecurity.plaintext(), 0, dir.resolve("work"), null, Map.of());
        assertThatThrownBy(() -> base.with(Map.of(RegionConfig.HTTP_TLS_KEYSTORE, keystore.toString())))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("http_tls_keystore_password: required");
        assertThatThrownBy(() -> base.with(Map.of(RegionConfig.HTTP_TLS_KEYSTORE, keystore.toString(),
                RegionConfig.HTTP_TLS_KEYSTORE_PASSWORD, "wrong")))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("http_tls_keystore: cannot open")
                .hasMessageNotContaining("wrong");
        assertThat(base.with(Map.of(RegionConfig.HTTP_TLS_KEYSTORE, keystore.toString(),
                RegionConfig.HTTP_TLS_KEYSTORE_PASSWORD, PASSWORD)).httpTls()).isPresent();
        assertThat(base.httpTls()).isEmpty();
    }
}
