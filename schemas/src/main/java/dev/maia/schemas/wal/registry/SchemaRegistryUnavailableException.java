package dev.maia.schemas.wal.registry;

/**
 * The schema registry could not answer: unreachable, failing (5xx), refusing us (401/403/429) or
 * answering nonsense. This is an outage or a misconfiguration, never evidence that a WAL record is
 * corrupt, so it is unchecked and deliberately not a {@link dev.maia.schemas.wal.CorruptEntryException}:
 * a consumer must stop or retry, not dead-letter good data.
 */
public class SchemaRegistryUnavailableException extends RuntimeException {
    private final String registryUrl;

    public SchemaRegistryUnavailableException(String registryUrl, String message, Throwable cause) {
        super(message, cause);
        this.registryUrl = registryUrl;
    }

    public String registryUrl() {
        return registryUrl;
    }
}
