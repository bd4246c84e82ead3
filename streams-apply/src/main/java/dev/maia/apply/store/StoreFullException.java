package dev.maia.apply.store;

/** The store has no room left; applying must stop rather than drop writes. */
public class StoreFullException extends RuntimeException {
    public StoreFullException(String message, Throwable cause) {
        super(message, cause);
    }
}
