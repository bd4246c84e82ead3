package dev.maia.containers.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

/** Every write attempt, read and fault of a run, in the order they finished; written out as JSON lines for a look after. */
public final class History {

    private final ConcurrentLinkedQueue<Op> ops = new ConcurrentLinkedQueue<>();

    public void add(Op op) {
        ops.add(op);
    }

    public List<Op> all() {
        return new ArrayList<>(ops);
    }

    /** Each acknowledged write by its id (the first acknowledgement; a retried id is acknowledged once). */
    public Map<String, Op> acknowledged() {
        Map<String, Op> acked = new LinkedHashMap<>();
        for (Op op : ops) {
            if (op.acknowledged()) {
                acked.putIfAbsent(op.tenant() + "/" + op.id(), op);
            }
        }
        return acked;
    }

    public long count(String kind, String outcome) {
        return ops.stream().filter(o -> o.kind().equals(kind) && o.outcome().equals(outcome)).count();
    }

    public void write(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        List<String> lines = new ArrayList<>();
        for (Op op : ops) {
            lines.add(RegionHttp.JSON.writeValueAsString(op));
        }
        Files.write(file, lines);
    }
}
