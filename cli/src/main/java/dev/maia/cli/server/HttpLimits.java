package dev.maia.cli.server;

/**
 * What one HTTP listener allows a client: the bounded pool that runs the routes (threads and the queue
 * in front of them; a full queue answers 503 {@code OVERLOADED}), how long a request's line and headers
 * may take to arrive, how long a connection may sit idle, and the sizes of headers and body.
 *
 * @param routeThreads     threads that run routes (which may wait on Kafka, replicas, positions)
 * @param routeQueue       requests that may wait for a route thread; beyond them: 503 at once
 * @param idleTimeoutMs    a connection with nothing to read or write for this long is closed
 * @param requestTimeoutMs a request whose line and headers have not all arrived after this long is cut off
 * @param maxHeaderBytes   request line and headers together; a longer URI is 414, longer headers 431
 * @param maxBodyBytes     request body; beyond it 413
 */
public record HttpLimits(int routeThreads, int routeQueue, long idleTimeoutMs, long requestTimeoutMs,
                         int maxHeaderBytes, int maxBodyBytes) {

    public HttpLimits {
        if (routeThreads < 1 || routeQueue < 0 || idleTimeoutMs < 1 || requestTimeoutMs < 1 || maxHeaderBytes < 1024
                || maxBodyBytes < 0) {
            throw new IllegalArgumentException("invalid HTTP limits: " + this);
        }
    }

    /** A management listener: /metrics and /health run on Jetty's own threads; the pool only sees strays. */
    public static HttpLimits management() {
        return new HttpLimits(2, 16, 30_000, 10_000, 16 * 1024, 64 * 1024);
    }

    public HttpLimits withRequestTimeoutMs(long ms) {
        return new HttpLimits(routeThreads, routeQueue, idleTimeoutMs, ms, maxHeaderBytes, maxBodyBytes);
    }

    public HttpLimits withRoutePool(int threads, int queue) {
        return new HttpLimits(threads, queue, idleTimeoutMs, requestTimeoutMs, maxHeaderBytes, maxBodyBytes);
    }
}
