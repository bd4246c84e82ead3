package dev.maia.cli.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.maia.cli.bench.BenchStack.PRIMARY;
import static dev.maia.cli.bench.BenchStack.T_HTTP;

/**
 * The front door's promise under load (issue 14): {@code /health} of the primary, asked over and over while
 * {@code reads} reads wait on a position the region never reaches ({@code X-MAIA-Min-Position}) and
 * {@code slowClients} clients hold connections by sending one header byte a second. Its p99 is the figure
 * (target under 100 ms). Reads beyond the route pool's threads wait in its queue, or get 503 when it is full:
 * both count as waiting load, and the part says how many of each there were.
 */
record HealthUnderLoadScenario(BenchStack stack, int reads, int slowClients, int probes) {
    static final double TARGET_P99_MS = 100;

    void run(BenchReport report) throws Exception {
        Progress progress = stack.progress();
        String endpoint = stack.endpoint(PRIMARY);
        progress.say("producer: /health of %s while %d reads wait on a position and %d clients trickle headers ...",
                PRIMARY, reads, slowClients);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
        String key = stack.keys().get(T_HTTP);
        List<Socket> slow = new ArrayList<>();
        List<CompletableFuture<HttpResponse<Void>>> waiting = new ArrayList<>();
        try {
            URI uri = URI.create(endpoint);
            for (int i = 0; i < slowClients; i++) {
                Socket s = new Socket(uri.getHost(), uri.getPort());
                s.getOutputStream().write('G');
                slow.add(s);
            }
            for (int i = 0; i < reads; i++) {
                waiting.add(http.sendAsync(HttpRequest.newBuilder(URI.create(endpoint + "/v1/memories/bench-health-" + i))
                        .header("Authorization", "Bearer " + key).header("X-MAIA-Min-Position", PRIMARY + ":0:1000000000")
                        .timeout(Duration.ofSeconds(60)).GET().build(), HttpResponse.BodyHandlers.discarding()));
            }
            Thread.sleep(500); // let the reads reach the route pool
            long[] nanos = new long[probes];
            int notOk = 0;
            for (int i = 0; i < probes; i++) {
                long t0 = System.nanoTime();
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(endpoint + "/health")).timeout(Duration.ofSeconds(30))
                        .GET().build(), HttpResponse.BodyHandlers.discarding());
                nanos[i] = System.nanoTime() - t0;
                notOk += r.statusCode() == 200 ? 0 : 1;
                trickle(slow, i);
                Thread.sleep(10);
            }
            long stillWaiting = waiting.stream().filter(f -> !f.isDone()).count();
            Latencies health = Latencies.of(nanos);
            Map<String, Integer> outcomes = new LinkedHashMap<>();
            for (var f : waiting) {
                String k;
                try {
                    k = String.valueOf(f.get(60, TimeUnit.SECONDS).statusCode());
                } catch (Exception e) {
                    k = "failed";
                }
                outcomes.merge(k, 1, Integer::sum);
            }
            Map<String, Object> json = new LinkedHashMap<>(health.toJson());
            json.put("not_200", notOk);
            json.put("reads", reads);
            json.put("reads_still_waiting_after_probes", stillWaiting);
            json.put("read_outcomes", outcomes);
            json.put("slow_clients", slowClients);
            @SuppressWarnings("unchecked")
            Map<String, Object> producer = (Map<String, Object>) report.toJson().getOrDefault("producer", new LinkedHashMap<>());
            producer.put("health_under_load", json);
            report.section("producer", producer);
            report.row("producer", "/health p50 / p99 ms under load", BenchReport.num(health.p50Ms()) + " / "
                    + BenchReport.num(health.p99Ms()), null, null, "p99 < " + (int) TARGET_P99_MS + " ms, " + reads + " waiting reads, "
                    + slowClients + " slow clients", health.p99Ms() < TARGET_P99_MS);
            progress.say("  /health: p50 %.1f ms, p99 %.1f ms, max %.1f ms over %d probes; %d reads still waiting after; reads: %s",
                    health.p50Ms(), health.p99Ms(), health.maxMs(), probes, stillWaiting, outcomes);
        } finally {
            for (Socket s : slow) {
                s.close();
            }
            waiting.forEach(f -> f.cancel(true));
        }
    }

    /** Every tenth probe (about a second) each slow client sends one more header byte, as a slowloris does. */
    private static void trickle(List<Socket> slow, int probe) {
        if (probe % 10 != 0) {
            return;
        }
        byte[] next = "ET /health HTTP/1.1\r\nX-Slow: 1".getBytes(StandardCharsets.US_ASCII);
        for (Socket s : slow) {
            try {
                OutputStream out = s.getOutputStream();
                out.write(next[(probe / 10) % next.length]);
                out.flush();
            } catch (IOException cutOff) {
                // the request deadline closed it: that is the front door working
            }
        }
    }
}
