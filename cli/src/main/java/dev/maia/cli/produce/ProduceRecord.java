package dev.maia.cli.produce;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One memory for {@code maia produce} to write: a tenant and a MAIA create body. An input line that
 * cannot become one still becomes a record, carrying why, so that it is counted as an error instead of
 * ending the run.
 *
 * @param error  a short reason that groups alike failures in the summary (e.g. {@code malformed_json}), or null
 * @param detail what exactly was wrong, with the line number, for the summary's examples
 */
public record ProduceRecord(String tenant, ObjectNode body, String error, String detail) {

    public static ProduceRecord of(String tenant, ObjectNode body) {
        return new ProduceRecord(tenant, body, null, null);
    }

    static ProduceRecord invalid(String tenant, String error, String detail) {
        return new ProduceRecord(tenant, null, error, detail);
    }

    boolean isValid() {
        return error == null;
    }
}
