package dev.maia.cli.bench;

import dev.maia.cli.produce.GeneratedMemories;
import dev.maia.schemas.http.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.maia.cli.bench.BenchStack.PRIMARY;
import static dev.maia.cli.bench.BenchStack.T_HTTP;

/**
 * The producer part's foreign load generator: {@code wrk} (Debian's package) posting the same generated memory
 * to {@code POST /v1/memories} of us-west over {@code connections} keep-alive connections for {@code seconds}.
 * Each post creates a new memory (the region picks the id). A load generator that is not ours keeps our own
 * HTTP client out of the figure. Where {@code wrk} is not installed the part says so and goes on.
 */
record WrkScenario(BenchStack stack, double seconds, int connections, int contentSize) {
    /** wrk's summary in one line that we parse: its own text output is meant for people. */
    private static final String MARK = "MAIA-WRK";
    static final double TARGET = 0.3;

    void run(BenchReport report) throws Exception {
        Progress progress = stack.progress();
        if (!installed()) {
            progress.say("producer: wrk is not installed (apt-get install wrk): its row is left out");
            report.row("producer", "HTTP (wrk) records/s", "no wrk", null, null, null, null);
            return;
        }
        progress.say("producer: wrk POST /v1/memories to %s, %d connections, %.0f s ...", PRIMARY, connections, seconds);
        Path script = writeScript(Files.createTempFile("maia-wrk-", ".lua"));
        int threads = Math.max(1, Math.min(connections, Runtime.getRuntime().availableProcessors()));
        List<String> command = List.of("wrk", "-t" + threads, "-c" + connections, "-d" + Math.max(1, Math.round(seconds)) + "s",
                "--timeout", "10s", "-s", script.toString(), stack.endpoint(PRIMARY) + "/v1/memories");
        Process wrk = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output;
        try {
            output = new String(wrk.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!wrk.waitFor(30, TimeUnit.SECONDS) || wrk.exitValue() != 0) {
                throw new IllegalStateException("wrk failed: " + output.strip());
            }
        } finally {
            wrk.destroyForcibly();
            Files.deleteIfExists(script);
        }
        Result r = Result.parse(output);
        Map<String, Object> ours = r.toJson(connections, threads);
        @SuppressWarnings("unchecked")
        Map<String, Object> producer = (Map<String, Object>) report.toJson().getOrDefault("producer", new LinkedHashMap<>());
        producer.put("http_wrk", ours);
        report.section("producer", producer);
        Object pp = producer.get("kafka");
        Double kafkaRate = pp instanceof Map<?, ?> m ? (Double) m.get("records_per_second") : null;
        Double ratio = kafkaRate == null ? null : r.acknowledgedPerSecond() / kafkaRate;
        if (ratio != null) {
            ours.put("ratio", BenchReport.round(ratio, 3));
            report.target("HTTP writes (wrk) vs ProducerPerformance", BenchReport.round(r.acknowledgedPerSecond(), 1), kafkaRate,
                    ratio, ">= " + TARGET, ratio >= TARGET);
        }
        report.row("producer", "HTTP (wrk) records/s", BenchReport.num(r.acknowledgedPerSecond()),
                kafkaRate == null ? null : BenchReport.num(kafkaRate), ratio, ">= " + TARGET + "x, " + connections + " conns",
                ratio == null ? null : ratio >= TARGET);
        report.row("producer", "HTTP (wrk) p50 / p99 ms", BenchReport.num(r.p50Micros() / 1000.0) + " / "
                + BenchReport.num(r.p99Micros() / 1000.0), null, null, null, null);
        if (r.failed() > 0) {
            report.row("producer", "HTTP (wrk) not 2xx or failed", BenchReport.num(r.failed()), null, null, null, null);
        }
        progress.say("  wrk: %d answered in %.1f s, %.0f acknowledged writes/s, %d not 2xx or failed",
                r.requests(), r.durationMicros() / 1e6, r.acknowledgedPerSecond(), r.failed());
    }

    static boolean installed() {
        try {
            Process p = new ProcessBuilder("wrk", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            p.waitFor(10, TimeUnit.SECONDS);
            return true; // wrk --version exits 1 after printing its version: that it ran is what counts
        } catch (IOException notOnPath) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private Path writeScript(Path script) throws IOException {
        String body = Json.write(new GeneratedMemories(1, contentSize, List.of(T_HTTP)).next().body());
        String key = stack.keys().get(T_HTTP);
        // A Lua long string needs no escaping; the JSON holds no "]==]".
        String lua = """
                wrk.method = "POST"
                wrk.body = [==[%s]==]
                wrk.headers["Content-Type"] = "application/json"
                wrk.headers["Authorization"] = "Bearer %s"
                done = function(summary, latency, requests)
                  local e = summary.errors
                  io.write(string.format("%s %%d %%d %%d %%d %%d %%d %%d %%d %%d %%d\\n", summary.requests, summary.duration,
                    e.connect, e.read, e.write, e.status, e.timeout,
                    latency:percentile(50), latency:percentile(99), latency.max))
                end
                """.formatted(body, key, MARK);
        Files.writeString(script, lua);
        return script;
    }

    /** wrk's counts; latencies in microseconds. {@code status} counts answers that were not 2xx or 3xx. */
    record Result(long requests, long durationMicros, long connect, long read, long write, long status, long timeout,
                  long p50Micros, long p99Micros, long maxMicros) {
        static Result parse(String output) {
            for (String line : output.split("\n")) {
                if (line.startsWith(MARK + " ")) {
                    String[] f = line.substring(MARK.length() + 1).trim().split("\\s+");
                    List<Long> v = new ArrayList<>();
                    for (String s : f) {
                        v.add(Long.parseLong(s));
                    }
                    if (v.size() == 10) {
                        return new Result(v.get(0), v.get(1), v.get(2), v.get(3), v.get(4), v.get(5), v.get(6), v.get(7), v.get(8),
                                v.get(9));
                    }
                }
            }
            throw new IllegalStateException("wrk printed no summary: " + output.strip());
        }

        /** Answers that were not an acknowledged write, and requests that got no answer. */
        long failed() {
            return status + connect + read + write + timeout;
        }

        double acknowledgedPerSecond() {
            return durationMicros == 0 ? 0 : Math.max(0, requests - status) / (durationMicros / 1e6);
        }

        Map<String, Object> toJson(int connections, int threads) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("connections", connections);
            out.put("threads", threads);
            out.put("requests", requests);
            out.put("seconds", BenchReport.round(durationMicros / 1e6, 3));
            out.put("records_per_second", BenchReport.round(acknowledgedPerSecond(), 1));
            out.put("latency_ms", Map.of("p50", p50Micros / 1000.0, "p99", p99Micros / 1000.0, "max", maxMicros / 1000.0));
            out.put("errors", Map.of("connect", connect, "read", read, "write", write, "status", status, "timeout", timeout));
            return out;
        }
    }
}
