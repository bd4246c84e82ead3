package dev.maia.cli.server;

import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Cuts off a client whose request line and headers have not all arrived within the request timeout. Jetty's
 * idle timeout restarts with every byte, so a client that sends one header byte every few seconds would hold
 * its connection for ever (slowloris); this watchdog looks at each connection's parser a few times per timeout
 * and answers {@code 408 REQUEST_TIMEOUT}, then closes, a connection that has been inside the same request's
 * headers for longer. A request whose headers are complete (a route waiting on Kafka, say) is not touched;
 * nor is an idle keep-alive connection (the idle timeout's business).
 */
final class HeaderDeadline implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HeaderDeadline.class);
    private static final byte[] TIMEOUT = ("HTTP/1.1 408 Request Timeout\r\nContent-Type: application/json\r\n"
            + "Connection: close\r\nContent-Length: 73\r\n\r\n"
            + "{\"error\":\"request headers not received in time\",\"code\":\"REQUEST_TIMEOUT\"}")
            .getBytes(StandardCharsets.US_ASCII);

    /** Since when a connection has been in the headers of its n-th request. */
    private record Mark(long messagesIn, long sinceNanos) {
    }

    private final ServerConnector connector;
    private final long timeoutNanos;
    private final FrontDoorHandler.Rejections rejections;
    private final Map<EndPoint, Mark> marks = new ConcurrentHashMap<>();
    private final ScheduledExecutorService ticker;

    HeaderDeadline(String name, ServerConnector connector, long timeoutMs, FrontDoorHandler.Rejections rejections) {
        this.connector = connector;
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        this.rejections = rejections;
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "http-deadline-" + name);
            t.setDaemon(true);
            return t;
        });
        long tick = Math.max(50, Math.min(1_000, timeoutMs / 4));
        ticker.scheduleWithFixedDelay(this::check, tick, tick, TimeUnit.MILLISECONDS);
    }

    private void check() {
        try {
            long now = System.nanoTime();
            var open = connector.getConnectedEndPoints();
            marks.keySet().retainAll(open);
            for (EndPoint endPoint : open) {
                // Under TLS the HTTP connection sits on the decrypted end point, and a 408 is written there.
                EndPoint http = endPoint.getConnection() instanceof SslConnection ssl ? ssl.getSslEndPoint() : endPoint;
                if (!(http.getConnection() instanceof HttpConnection connection)) {
                    continue;
                }
                // Read from another thread than the parser's: a stale state only delays the cut by a tick.
                HttpParser parser = connection.getParser();
                if (parser.isStart() || !parser.inHeaderState()) {
                    marks.remove(endPoint);
                    continue;
                }
                long n = connection.getMessagesIn();
                Mark mark = marks.compute(endPoint, (e, m) -> m == null || m.messagesIn() != n ? new Mark(n, now) : m);
                if (now - mark.sinceNanos() > timeoutNanos) {
                    marks.remove(endPoint);
                    cutOff(http);
                }
            }
        } catch (RuntimeException e) {
            log.warn("request deadline check failed", e);
        }
    }

    private void cutOff(EndPoint endPoint) {
        rejections.count("request_timeout");
        log.debug("cutting off {}: request headers not received in time", endPoint.getRemoteSocketAddress());
        try {
            endPoint.write(Callback.from(endPoint::close, x -> endPoint.close()), ByteBuffer.wrap(TIMEOUT));
        } catch (RuntimeException e) {
            endPoint.close();
        }
    }

    @Override
    public void close() {
        ticker.shutdownNow();
    }
}
