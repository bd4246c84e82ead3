package dev.maia.cli.produce;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.maia.schemas.http.Json;

import java.util.List;
import java.util.NoSuchElementException;

/**
 * {@code --count N --size BYTES --tenants ...}: N memories whose content is exactly BYTES bytes (ASCII),
 * spread round-robin over the tenants so each tenant gets an even share.
 */
public final class GeneratedMemories implements ProduceInput {
    static final String NAMESPACE = "maia-produce";

    private final long count;
    private final int size;
    private final List<String> tenants;
    private final String padding;
    private long next;

    public GeneratedMemories(long count, int size, List<String> tenants) {
        if (tenants.isEmpty()) {
            throw new IllegalArgumentException("no tenants to write for");
        }
        this.count = count;
        this.size = size;
        this.tenants = List.copyOf(tenants);
        this.padding = "x".repeat(size);
    }

    @Override
    public long total() {
        return count;
    }

    @Override
    public boolean hasNext() {
        return next < count;
    }

    @Override
    public ProduceRecord next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        long n = next++;
        String tenant = tenants.get((int) (n % tenants.size()));
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("namespace", NAMESPACE);
        body.put("content", content(n));
        body.putArray("tags").add("maia-produce");
        body.putObject("metadata").put("seq", n);
        return ProduceRecord.of(tenant, body);
    }

    /** "memory #n " padded with 'x' to the requested size, cut if the size is smaller than the label. */
    private String content(long n) {
        String label = "memory #" + n + " ";
        return label.length() >= size ? label.substring(0, size) : label + padding.substring(label.length());
    }

    @Override
    public void close() {
        // nothing held
    }
}
