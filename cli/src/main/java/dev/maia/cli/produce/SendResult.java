package dev.maia.cli.produce;

/**
 * How one write ended.
 *
 * @param redirected the region was not the tenant's primary and the write followed the 307 to it
 * @param reason     for a failure, a short reason that groups alike failures (e.g. {@code http 400 INVALID_INPUT})
 * @param detail     for a failure, the server's or the client's message
 */
public record SendResult(boolean ok, boolean redirected, String reason, String detail) {

    static SendResult written(boolean redirected) {
        return new SendResult(true, redirected, null, null);
    }

    static SendResult failed(String reason, String detail) {
        return new SendResult(false, false, reason, detail);
    }
}
