package dev.maia.cli.dlq;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One record of a region's DLQ, taken apart from the headers the apply path adds when it refuses an entry
 * (ApplyProcessor.deadLetter): why, where the entry was read (topic, partition, offset), whose log it was.
 */
record DeadLetter(String region, int dlqPartition, long dlqOffset, long timestamp, String tenant, String originRegion,
                  String topic, long partition, long offset, String reason, String detail, int bytes) {

    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("region", region);
        m.put("dlq_partition", dlqPartition);
        m.put("dlq_offset", dlqOffset);
        m.put("timestamp", timestamp);
        m.put("tenant", tenant);
        m.put("origin_region", originRegion);
        m.put("topic", topic);
        m.put("partition", partition);
        m.put("offset", offset);
        m.put("reason", reason);
        m.put("detail", detail);
        m.put("bytes", bytes);
        return m;
    }
}
