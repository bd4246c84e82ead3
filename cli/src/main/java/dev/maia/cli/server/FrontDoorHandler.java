package dev.maia.cli.server;

import dev.maia.schemas.http.ApiException;
import dev.maia.schemas.http.HttpResponse;
import dev.maia.schemas.http.Json;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Jetty's side of a listener: it resolves the route on the server's thread, reads the body without blocking,
 * and hands the route to the {@link RoutePool}; only routes that never wait ({@code /health},
 * {@code /metrics}) run where they arrive. When the pool is full the client hears 503 {@code OVERLOADED}
 * with {@code Retry-After: 1} at once. No thread of Jetty's ever waits on Kafka.
 */
final class FrontDoorHandler extends Handler.Abstract.NonBlocking {
    /** Bodies up to this size are read to their end even when refused, so the client gets its 413. */
    private static final long MAX_DRAIN_BYTES = 64L * 1024 * 1024;

    private final HttpRouter router;
    private final RoutePool pool;
    private final int maxBodyBytes;
    private final Rejections rejections;

    FrontDoorHandler(HttpRouter router, RoutePool pool, int maxBodyBytes, Rejections rejections) {
        this.router = router;
        this.pool = pool;
        this.maxBodyBytes = maxBodyBytes;
        this.rejections = rejections;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String method = request.getMethod();
        String path = request.getHttpURI().getPath();
        String query = request.getHttpURI().getQuery();
        HttpRouter.Resolved route;
        try {
            route = router.resolve(method, path);
        } catch (ApiException e) {
            send(response, callback, HttpRouter.error(e));
            return true;
        }
        Map<String, String> headers = headers(request.getHeaders());
        if (route.inline()) {
            send(response, callback, route.run(method, path, query, headers, new byte[0]));
            return true;
        }
        long declared = request.getLength();
        if (declared > maxBodyBytes && declared > MAX_DRAIN_BYTES) {
            send(response, callback, tooLarge());
            return true;
        }
        new BodyReader(request, body -> {
            if (body == null) {
                send(response, callback, tooLarge());
            } else if (!pool.offer(() -> send(response, callback, route.run(method, path, query, headers, body)))) {
                rejections.count("overloaded");
                send(response, callback, HttpRouter.error(new ApiException(503, "OVERLOADED",
                        "the server is at its limit of concurrent requests; retry", null, Map.of("Retry-After", "1"))));
            }
        }, callback::failed).run();
        return true;
    }

    private HttpResponse tooLarge() {
        rejections.count("body_too_large");
        return HttpRouter.error(new ApiException(413, "INVALID_INPUT", "request body exceeds " + maxBodyBytes + " bytes",
                Map.of("field", "body", "limit", maxBodyBytes)));
    }

    /** Writes a route's answer; callable from any thread (Jetty's writes do not block). */
    static void send(Response response, Callback callback, HttpResponse answer) {
        byte[] bytes;
        String contentType;
        if (answer.body() instanceof String s && answer.headers().containsKey("Content-Type")) {
            bytes = s.getBytes(StandardCharsets.UTF_8);
            contentType = answer.headers().get("Content-Type");
        } else {
            bytes = answer.body() == null ? new byte[0] : Json.write(answer.body()).getBytes(StandardCharsets.UTF_8);
            contentType = "application/json";
        }
        response.setStatus(answer.status());
        HttpFields.Mutable out = response.getHeaders();
        answer.headers().forEach(out::put);
        out.put(HttpHeader.CONTENT_TYPE, contentType);
        out.put(HttpHeader.CONTENT_LENGTH, bytes.length);
        response.write(true, ByteBuffer.wrap(bytes), callback);
    }

    private static Map<String, String> headers(HttpFields fields) {
        Map<String, String> out = new HashMap<>();
        for (HttpField f : fields) {
            out.putIfAbsent(f.getLowerCaseName(), f.getValue());
        }
        return out;
    }

    /** Named counts of refused requests: {@code maia_http_rejected_total{listener, reason}}. */
    interface Rejections {
        void count(String reason);
    }

    /**
     * Reads a body as it arrives, on whichever thread has data, never waiting for it; a body over the limit is
     * read on (up to {@link #MAX_DRAIN_BYTES}) and dropped, then refused: answering before the client has sent
     * it all resets the connection under the client, which then sees no answer at all.
     */
    private final class BodyReader implements Runnable {
        private final Request request;
        private final java.util.function.Consumer<byte[]> done;
        private final java.util.function.Consumer<Throwable> failed;
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();
        private long seen;

        BodyReader(Request request, java.util.function.Consumer<byte[]> done, java.util.function.Consumer<Throwable> failed) {
            this.request = request;
            this.done = done;
            this.failed = failed;
        }

        @Override
        public void run() {
            while (true) {
                Content.Chunk chunk = request.read();
                if (chunk == null) {
                    request.demand(this);
                    return;
                }
                if (Content.Chunk.isFailure(chunk)) {
                    failed.accept(chunk.getFailure());
                    return;
                }
                ByteBuffer b = chunk.getByteBuffer();
                seen += b.remaining();
                if (seen <= maxBodyBytes) {
                    byte[] copy = new byte[b.remaining()];
                    b.get(copy);
                    body.write(copy, 0, copy.length);
                }
                chunk.release();
                if (chunk.isLast() || seen > MAX_DRAIN_BYTES) {
                    done.accept(seen > maxBodyBytes ? null : body.toByteArray());
                    return;
                }
            }
        }
    }
}
