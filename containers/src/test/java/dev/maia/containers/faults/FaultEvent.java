package dev.maia.containers.faults;

import java.util.Map;

/**
 * A fault as it happened: when it began and was healed, when every container was healthy again, and the
 * replication lag each tenant's regions reported as it began.
 */
public record FaultEvent(String name, String region, long injectedMs, long healedMs, long healthyMs,
                         Map<String, Double> lagAtStartSeconds) {
}
