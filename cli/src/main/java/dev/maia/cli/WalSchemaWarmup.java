package dev.maia.cli;

import dev.maia.schemas.wal.registry.ApicurioWalCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * Resolves the WAL schema in the registry while the region starts, in the background, until it has it: the
 * region's first writes then find it cached. A registry that does not answer yet does not hold the region up:
 * its writes would try the registry themselves (503 while it is down), as before.
 */
final class WalSchemaWarmup implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WalSchemaWarmup.class);
    private static final Duration RETRY = Duration.ofSeconds(5);

    private final Thread thread;

    WalSchemaWarmup(String region, ApicurioWalCodec codec) {
        this.thread = new Thread(() -> resolve(region, codec), "maia-wal-schema-" + region);
        thread.setDaemon(true);
        thread.start();
    }

    private static void resolve(String region, ApicurioWalCodec codec) {
        long started = System.nanoTime();
        boolean warned = false;
        while (!Thread.currentThread().isInterrupted()) {
            try {
                long id = codec.resolveWriterSchema();
                log.info("Region {} writes the WAL schema of global id {} (registry {}, resolved in {} ms)", region, id,
                        codec.registryUrl(), Duration.ofNanos(System.nanoTime() - started).toMillis());
                return;
            } catch (RuntimeException e) {
                if (!warned) {
                    log.warn("Region {} cannot resolve its WAL schema in the registry yet (retried every {} s; its writes "
                            + "answer 503 while the registry cannot answer them either): {}", region, RETRY.toSeconds(), e.getMessage());
                    warned = true;
                }
            }
            try {
                Thread.sleep(RETRY.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
