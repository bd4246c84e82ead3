package dev.maia.apply.retention;

import org.apache.kafka.clients.admin.LogDirDescription;

import java.util.HashMap;
import java.util.Map;

/** Bytes on disk per topic, summed over every partition replica of every broker's log directories. */
public final class LogSizes {
    private LogSizes() {
    }

    public static Map<String, Long> byTopic(Map<Integer, Map<String, LogDirDescription>> byBroker) {
        Map<String, Long> out = new HashMap<>();
        byBroker.values().forEach(dirs -> dirs.values().forEach(dir -> dir.replicaInfos()
                .forEach((tp, info) -> out.merge(tp.topic(), info.size(), Long::sum))));
        return out;
    }
}
