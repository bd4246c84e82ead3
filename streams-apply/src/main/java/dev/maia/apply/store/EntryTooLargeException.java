package dev.maia.apply.store;

/** One entry exceeds what the store can hold; it goes to the DLQ, the rest keeps applying. */
public class EntryTooLargeException extends RuntimeException {
    public EntryTooLargeException(String message, Throwable cause) {
        super(message, cause);
    }
}
