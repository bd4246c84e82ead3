package dev.maia.cli;

import dev.maia.control.BackgroundTask;
import dev.maia.schemas.wal.registry.ApicurioWalCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * Resolves the WAL schema in the registry while the region starts, in the background, until it has it: the
 * region's first writes then find it cached. A registry that does not answer yet does not hold the region up:
 * its writes would try the registry themselves (503 while it is down), as before.
 */
final class WalSchemaWarmup implements Runnable, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WalSchemaWarmup.class);
    private static final Duration RETRY = Duration.ofSeconds(5);

    private final String region;
    private final ApicurioWalCodec codec;
    private final long started = System.nanoTime();
    private final BackgroundTask task;
    private volatile boolean resolved;
    private boolean warned;

    WalSchemaWarmup(String region, ApicurioWalCodec codec) {
        this.region = region;
        this.codec = codec;
        this.task = BackgroundTask.every("maia-wal-schema-" + region, 0, RETRY.toMillis(), this);
    }

    @Override
    public void run() {
        if (resolved) {
            return;
        }
        try {
            long id = codec.resolveWriterSchema();
            resolved = true;
            log.info("Region {} writes the WAL schema of global id {} (registry {}, resolved in {} ms)", region, id,
                    codec.registryUrl(), Duration.ofNanos(System.nanoTime() - started).toMillis());
        } catch (RuntimeException e) {
            if (!warned) {
                log.warn("Region {} cannot resolve its WAL schema in the registry yet (retried every {} s; its writes "
                        + "answer 503 while the registry cannot answer them either): {}", region, RETRY.toSeconds(), e.getMessage());
                warned = true;
            }
        }
    }

    @Override
    public void close() {
        task.close();
    }
}
