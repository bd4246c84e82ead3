package dev.maia.localcluster;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * Waits for starts run side by side. Every start is waited for, even after another failed or the caller
 * was interrupted (starts are bounded), because an abandoned start would leave a broker running unowned.
 */
final class ParallelStarts {
    /** What started, and the first failure (null if none). */
    record Outcome<K, V>(Map<K, V> started, Throwable failure) {
    }

    private ParallelStarts() {
    }

    static <K, V> Outcome<K, V> awaitAll(Map<K, ? extends Future<? extends V>> futures) {
        Map<K, V> started = new LinkedHashMap<>();
        Throwable failure = null;
        boolean interrupted = false;
        for (Map.Entry<K, ? extends Future<? extends V>> e : futures.entrySet()) {
            while (true) {
                try {
                    started.put(e.getKey(), e.getValue().get());
                    break;
                } catch (ExecutionException ex) {
                    failure = failure == null ? ex.getCause() : failure;
                    break;
                } catch (InterruptedException ex) {
                    interrupted = true;
                    failure = failure == null ? ex : failure;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return new Outcome<>(started, failure);
    }
}
