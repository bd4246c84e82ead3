package dev.maia.cli.server;

import dev.maia.schemas.http.Access;
import dev.maia.schemas.http.Route;
import dev.maia.schemas.http.Routes;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * One HTTP listener of a process (a region's API, a management listener): Jetty's core server with
 * request deadlines ({@link HeaderDeadline}), an idle timeout, keep-alive, limits on headers (431), URI
 * (414) and body (413), and answers in MAIA's error shape ({@link JsonErrorHandler}); its routes run on a
 * bounded {@link RoutePool} apart from Jetty's threads ({@link FrontDoorHandler}). It listens from
 * {@link #start} on.
 */
public final class RegionHttpServer implements Routes, AutoCloseable {
    /** Jetty's own threads only parse, dispatch and write; they never wait on Kafka. */
    private static final int SERVER_THREADS = 16;

    private final String name;
    private final String host;
    private final HttpLimits limits;
    private final String listener;
    private final MeterRegistry registry;
    private final HttpRouter router;
    private final Server server;
    private final ServerConnector connector;
    private final RoutePool pool;
    private final boolean tls;
    private HeaderDeadline deadline;

    /**
     * @param listener the {@code listener} tag of this listener's metrics ({@code api}, {@code management})
     */
    public RegionHttpServer(String name, String listener, String host, int port, HttpLimits limits, ApiKeyring keyring,
                            MeterRegistry registry) {
        this(name, listener, host, port, limits, keyring, registry, Optional.empty());
    }

    /**
     * @param tls when present, the listener speaks only HTTPS with that key store (no plaintext port beside it)
     */
    public RegionHttpServer(String name, String listener, String host, int port, HttpLimits limits, ApiKeyring keyring,
                            MeterRegistry registry, Optional<HttpTls> tls) {
        this.name = name;
        this.tls = tls.isPresent();
        this.host = host;
        this.limits = limits;
        this.listener = listener;
        this.registry = registry;
        this.router = new HttpRouter(keyring, new AuthFailures(registry, listener));
        QueuedThreadPool threads = new QueuedThreadPool(SERVER_THREADS, 2);
        threads.setName("http-" + name);
        threads.setDaemon(true);
        threads.setReservedThreads(0);
        this.server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setRequestHeaderSize(limits.maxHeaderBytes());
        http.setSendServerVersion(false);
        http.setPersistentConnectionsEnabled(true);
        http.setIdleTimeout(limits.idleTimeoutMs());
        // MAIA's clients percent-encode a '/' inside a segment (namespace "agents/alpha" is agents%2Falpha);
        // the router splits the raw path and decodes each segment itself.
        http.setUriCompliance(UriCompliance.DEFAULT.with("MAIA", UriCompliance.Violation.AMBIGUOUS_PATH_SEPARATOR,
                UriCompliance.Violation.AMBIGUOUS_PATH_ENCODING, UriCompliance.Violation.AMBIGUOUS_EMPTY_SEGMENT));
        this.connector = tls.map(t -> new ServerConnector(server, 1, 1, ssl(t, http), new HttpConnectionFactory(http)))
                .orElseGet(() -> new ServerConnector(server, 1, 1, new HttpConnectionFactory(http)));
        connector.setHost(host);
        connector.setPort(port);
        connector.setIdleTimeout(limits.idleTimeoutMs());
        connector.setAcceptQueueSize(128);
        server.addConnector(connector);
        this.pool = new RoutePool(name, limits.routeThreads(), limits.routeQueue(), registry, listener);
        FrontDoorHandler.Rejections rejections = this::reject;
        server.setHandler(new FrontDoorHandler(router, pool, limits.maxBodyBytes(), rejections));
        server.setErrorHandler(new JsonErrorHandler(rejections));
    }

    /**
     * TLS before HTTP/1.1 on the connector. No SNI host check: clients reach a region by address as often as
     * by name, and the certificate's names are the client's to verify.
     */
    private static SslConnectionFactory ssl(HttpTls tls, HttpConfiguration http) {
        SslContextFactory.Server context = new SslContextFactory.Server();
        context.setKeyStorePath(tls.keystore().toString());
        context.setKeyStorePassword(tls.password());
        context.setIncludeProtocols("TLSv1.3", "TLSv1.2");
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        secure.setSniHostCheck(false);
        http.addCustomizer(secure);
        return new SslConnectionFactory(context, HttpVersion.HTTP_1_1.asString());
    }

    private void reject(String reason) {
        Counter.builder("maia_http_rejected").description("requests refused by the HTTP front door, by reason")
                .tag("listener", listener).tag("reason", reason).register(registry).increment();
    }

    @Override
    public RegionHttpServer add(String method, String pathTemplate, Access access, Route route) {
        router.add(method, pathTemplate, access, route);
        return this;
    }

    /** A route that never waits ({@code /health}, {@code /metrics}): answered on Jetty's thread, whatever the pool's load. */
    public RegionHttpServer addInline(String method, String pathTemplate, Access access, Route route) {
        router.addInline(method, pathTemplate, access, route);
        return this;
    }

    public void start() {
        try {
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException("HTTP listener " + name + " did not start on " + host, e);
        }
        deadline = new HeaderDeadline(name, connector, limits.requestTimeoutMs(), this::reject);
    }

    public String endpoint() {
        return (tls ? "https://" : "http://") + host + ":" + connector.getLocalPort();
    }

    @Override
    public void close() {
        if (deadline != null) {
            deadline.close();
        }
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("HTTP listener " + name + " did not stop", e);
        } finally {
            pool.close();
        }
    }
}
