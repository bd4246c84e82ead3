package dev.maia.cli.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kafka's own perf tools ({@code org.apache.kafka.tools.ProducerPerformance} and {@code ConsumerPerformance}
 * from kafka-tools 4.3.1), run as child JVMs with this JVM's classpath, their stdout parsed. A child JVM,
 * not an in-process call: both end with {@code Exit.exit}, and a child keeps their heap and threads apart.
 */
final class KafkaPerfTools {

    /** The final line of ProducerPerformance (4.x): counts, rates and latency percentiles. */
    private static final Pattern PRODUCER_SUMMARY = Pattern.compile(
            "(\\d+) records sent, ([\\d.]+) records/sec \\(([\\d.]+) MB/sec\\), ([\\d.]+) ms avg latency, "
                    + "([\\d.]+) ms max latency, (\\d+) ms 50th, (\\d+) ms 95th, (\\d+) ms 99th, (\\d+) ms 99.9th\\.");

    record ProducerResult(long records, double recordsPerSecond, double mbPerSecond, double avgLatencyMs,
                          double maxLatencyMs, double p50Ms, double p99Ms, List<String> command, String line) {
        Map<String, Object> toJson() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("tool", "org.apache.kafka.tools.ProducerPerformance");
            out.put("records", records);
            out.put("records_per_second", recordsPerSecond);
            out.put("mb_per_second", mbPerSecond);
            out.put("latency_ms", Map.of("avg", avgLatencyMs, "p50", p50Ms, "p99", p99Ms, "max", maxLatencyMs));
            out.put("output", line);
            return out;
        }
    }

    /** ConsumerPerformance's CSV line; {@code fetch*} exclude the group join (rebalance) time, the others include it. */
    record ConsumerResult(long records, double mb, double mbPerSecond, double recordsPerSecond, long rebalanceMs,
                          long fetchMs, double fetchMbPerSecond, double fetchRecordsPerSecond, String line) {
        Map<String, Object> toJson() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("tool", "org.apache.kafka.tools.ConsumerPerformance");
            out.put("records", records);
            out.put("records_per_second", fetchRecordsPerSecond);
            out.put("mb_per_second", fetchMbPerSecond);
            out.put("records_per_second_with_join", recordsPerSecond);
            out.put("rebalance_ms", rebalanceMs);
            out.put("fetch_ms", fetchMs);
            out.put("output", line);
            return out;
        }
    }

    private final Path logFile;
    private final Consumer<Process> onStart;

    /**
     * @param logFile where the children's log4j file appender writes
     * @param onStart told of every child started, so that a teardown can kill it
     */
    KafkaPerfTools(Path logFile, Consumer<Process> onStart) {
        this.logFile = logFile;
        this.onStart = onStart;
    }

    ProducerResult producerPerformance(String bootstrapServers, String topic, long records, int recordSize,
                                       Map<String, String> producerProps) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("org.apache.kafka.tools.ProducerPerformance",
                "--bootstrap-server", bootstrapServers, "--topic", topic, "--num-records", Long.toString(records),
                "--record-size", Integer.toString(recordSize), "--throughput", "-1",
                // Once per run, not every 5 s: the progress lines only cost the child CPU.
                "--reporting-interval", "3600000", "--command-property"));
        producerProps.forEach((k, v) -> args.add(k + "=" + v));
        List<String> out = run(args);
        for (int i = out.size() - 1; i >= 0; i--) {
            Matcher m = PRODUCER_SUMMARY.matcher(out.get(i));
            if (m.find()) {
                return new ProducerResult(Long.parseLong(m.group(1)), Double.parseDouble(m.group(2)),
                        Double.parseDouble(m.group(3)), Double.parseDouble(m.group(4)), Double.parseDouble(m.group(5)),
                        Double.parseDouble(m.group(6)), Double.parseDouble(m.group(8)), args, out.get(i).trim());
            }
        }
        throw new IllegalStateException("ProducerPerformance printed no summary: " + String.join(" | ", out));
    }

    ConsumerResult consumerPerformance(String bootstrapServers, String topic, long records, String group)
            throws IOException, InterruptedException {
        List<String> args = List.of("org.apache.kafka.tools.ConsumerPerformance", "--bootstrap-server", bootstrapServers,
                "--topic", topic, "--num-records", Long.toString(records), "--group", group, "--timeout", "30000");
        List<String> out = run(args);
        for (int i = out.size() - 1; i >= 0; i--) {
            String[] f = out.get(i).split(",\\s*");
            if (f.length == 10 && f[4].trim().matches("\\d+")) {
                return new ConsumerResult(Long.parseLong(f[4].trim()), d(f[2]), d(f[3]), d(f[5]), Long.parseLong(f[6].trim()),
                        Long.parseLong(f[7].trim()), d(f[8]), d(f[9]), out.get(i).trim());
            }
        }
        throw new IllegalStateException("ConsumerPerformance printed no result line: " + String.join(" | ", out));
    }

    private static double d(String s) {
        return Double.parseDouble(s.trim());
    }

    /** Runs {@code java -cp <ours> <args>}; returns stdout and stderr lines; fails on a non-zero exit. */
    private List<String> run(List<String> args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of("-Xmx512m", "-Duser.language=en", "-Duser.country=US",
                "-Dmaia.log.file=" + logFile.toAbsolutePath(), "-cp", System.getProperty("java.class.path")));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        onStart.accept(p);
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                lines.add(line);
            }
        }
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException(args.get(0) + " did not end within 5 minutes");
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException(args.get(0) + " exited " + p.exitValue() + ": "
                    + String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size())));
        }
        return lines;
    }
}
