package dev.maia.schemas.wal;

/** A WAL record whose bytes cannot be trusted: bad framing, unknown schema, or a checksum mismatch. */
public class CorruptEntryException extends Exception {
    private final String reason;

    public CorruptEntryException(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    public CorruptEntryException(String reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    /** A short machine-readable reason, used as the DLQ header and metric label. */
    public String reason() {
        return reason;
    }
}
