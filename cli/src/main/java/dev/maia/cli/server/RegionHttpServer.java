package dev.maia.cli.server;

import com.sun.net.httpserver.HttpServer;
import dev.maia.schemas.http.Access;
import dev.maia.schemas.http.Route;
import dev.maia.schemas.http.Routes;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * One region's HTTP endpoint: the JDK server on a bounded pool of workers, dispatching through an
 * {@link HttpRouter} to whatever the services mounted. It listens from {@link #start} on.
 */
public final class RegionHttpServer implements Routes, AutoCloseable {
    private static final int WORKERS = 16;
    private static final int BACKLOG = 128;

    private final String host;
    private final HttpRouter router;
    private final HttpServer server;
    private final ExecutorService workers;

    public RegionHttpServer(String region, String host, int port, int maxBodyBytes, ApiKeyring keyring) throws IOException {
        this.host = host;
        this.router = new HttpRouter(maxBodyBytes, keyring);
        this.server = HttpServer.create(new InetSocketAddress(host, port), BACKLOG);
        this.workers = Executors.newFixedThreadPool(WORKERS, r -> {
            Thread t = new Thread(r, "http-" + region);
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(workers);
        server.createContext("/", router);
    }

    @Override
    public RegionHttpServer add(String method, String pathTemplate, Access access, Route route) {
        router.add(method, pathTemplate, access, route);
        return this;
    }

    public void start() {
        server.start();
    }

    public String endpoint() {
        return "http://" + host + ":" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        workers.shutdownNow();
    }
}
