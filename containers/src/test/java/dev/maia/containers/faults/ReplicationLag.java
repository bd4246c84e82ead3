package dev.maia.containers.faults;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * The replication lag the regions report for a tenant ({@code maia_replication_lag_seconds}, from each holder's
 * management listener): the largest, in seconds, over the regions that answer. An async write acknowledged
 * within that much of a fault's start may not have left its region when the fault began.
 */
public final class ReplicationLag {

    private final StackEndpoints stack;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public ReplicationLag(StackEndpoints stack) {
        this.stack = stack;
    }

    public double seconds(FaultTenant t) {
        double max = 0;
        for (String region : t.holders()) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(stack.management(region) + "/metrics"))
                        .timeout(Duration.ofSeconds(3)).header("Authorization", "Bearer " + stack.metricsKey()).build(),
                        HttpResponse.BodyHandlers.ofString());
                max = Math.max(max, parse(r.body(), t.id()));
            } catch (IOException unreachable) {
                // A region the fault already hit reports nothing; the others still do.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return max;
            }
        }
        return max;
    }

    static double parse(String metrics, String tenant) {
        double max = 0;
        List<String> lines = metrics == null ? List.of() : metrics.lines().toList();
        for (String line : lines) {
            if (line.startsWith("maia_replication_lag_seconds{") && line.contains("tenant=\"" + tenant + "\"")) {
                try {
                    double value = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                    if (Double.isFinite(value)) {
                        max = Math.max(max, value);
                    }
                } catch (NumberFormatException notANumber) {
                    // Not a sample line's value: nothing to count.
                }
            }
        }
        return max;
    }
}
