package dev.maia.cli.produce;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.maia.schemas.http.Json;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.NoSuchElementException;

/**
 * {@code --input FILE|-}: one JSON object per line, a MAIA create body plus a {@code tenant} field. Blank
 * lines are skipped; a line that is not such an object becomes an invalid record (counted, not fatal),
 * so one bad line in a large file does not lose the rest.
 */
final class JsonLinesMemories implements ProduceInput {
    private final BufferedReader reader;
    private final boolean closeReader;
    private ProduceRecord pending;
    private long lineNumber;

    /** @param closeReader false for stdin, which is not ours to close */
    JsonLinesMemories(BufferedReader reader, boolean closeReader) {
        this.reader = reader;
        this.closeReader = closeReader;
    }

    @Override
    public long total() {
        return -1;
    }

    @Override
    public boolean hasNext() {
        if (pending != null) {
            return true;
        }
        try {
            String line;
            do {
                line = reader.readLine();
                if (line == null) {
                    return false;
                }
                lineNumber++;
            } while (line.isBlank());
            pending = parse(line, lineNumber);
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read input at line " + (lineNumber + 1), e);
        }
    }

    @Override
    public ProduceRecord next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        ProduceRecord r = pending;
        pending = null;
        return r;
    }

    static ProduceRecord parse(String line, long lineNumber) {
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            return ProduceRecord.invalid(null, "malformed_json", "line " + lineNumber + ": " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            return ProduceRecord.invalid(null, "malformed_json", "line " + lineNumber + ": not a JSON object");
        }
        ObjectNode body = (ObjectNode) node;
        JsonNode tenant = body.remove("tenant");
        if (tenant == null || !tenant.isTextual() || tenant.asText().isBlank()) {
            return ProduceRecord.invalid(null, "missing_tenant", "line " + lineNumber + ": no \"tenant\" string field");
        }
        return ProduceRecord.of(tenant.asText(), body);
    }

    @Override
    public void close() throws IOException {
        if (closeReader) {
            reader.close();
        }
    }
}
