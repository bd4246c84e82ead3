package dev.maia.mirror;

import dev.maia.schemas.avro.Placement;
import dev.maia.control.placement.PlacementView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One {@link PlacementView} per source cluster in this JVM, shared by reference count.
 *
 * <p>MM2 instantiates a topic filter in every MirrorSourceConnector, MirrorCheckpointConnector and
 * MirrorCheckpointTask of every flow; with three regions that would be a dozen consumers tailing the same
 * three clusters. All flows out of one region read that region's placements, so one view per source cluster
 * is enough. The view is closed when the last filter using it is closed.
 *
 * <p>{@link PlacementView#start} blocks until the view has read everything present and can only be called
 * once, so it runs on a loader thread of its own; {@link Handle#loaded()} turns true when it returns. A
 * caller waits a bounded time ({@link Handle#awaitLoaded}) and otherwise goes on failing closed until then.
 */
final class SharedPlacementViews {

    private static final Logger log = LoggerFactory.getLogger(SharedPlacementViews.class);
    private static final Map<String, Shared> VIEWS = new HashMap<>();

    private SharedPlacementViews() {
    }

    /** A filter's reference to a shared view; {@link #close()} releases it (idempotent). */
    static final class Handle implements PlacementTopicRule.PlacementSource, AutoCloseable {
        private final Shared shared;
        private boolean closed;

        private Handle(Shared shared) {
            this.shared = shared;
        }

        @Override
        public boolean loaded() {
            return shared.loaded.getCount() == 0;
        }

        @Override
        public Optional<Placement> placement(String tenantId) {
            return shared.view.get(tenantId);
        }

        /** Waits until the view has read every placement present when it started; false on timeout. */
        boolean awaitLoaded(Duration timeout) throws InterruptedException {
            return shared.loaded.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        String region() {
            return shared.region;
        }

        @Override
        public void close() {
            synchronized (SharedPlacementViews.class) {
                if (closed) {
                    return;
                }
                closed = true;
                if (--shared.refs > 0) {
                    return;
                }
                VIEWS.remove(shared.key);
            }
            shared.stop();
        }
    }

    private static final class Shared {
        final String key;
        final String region;
        final PlacementView view;
        final CountDownLatch loaded = new CountDownLatch(1);
        final Thread loader;
        int refs;

        Shared(String key, String region, String bootstrapServers) {
            this.key = key;
            this.region = region;
            this.view = new PlacementView(bootstrapServers, "mm2-filter-" + region);
            this.loader = new Thread(this::load, "maia-placement-filter-load-" + region);
            this.loader.setDaemon(true);
        }

        private void load() {
            long t0 = System.nanoTime();
            try {
                // No deadline of its own: the callers bound their wait; this thread is interrupted on close.
                view.start(Duration.ofDays(365));
                loaded.countDown();
                log.info("placement filter: placements of {} loaded ({} tenants) in {} ms",
                        region, view.all().size(), (System.nanoTime() - t0) / 1_000_000);
            } catch (InterruptedException e) {
                log.debug("placement filter: loading the placements of {} interrupted (closed)", region);
            } catch (TimeoutException | RuntimeException e) {
                log.error("placement filter: cannot load the placements of {}; its tenant WALs stay unmirrored", region, e);
            }
        }

        void stop() {
            loader.interrupt();
            try {
                view.close();
            } catch (RuntimeException e) {
                log.warn("placement filter: error closing the placement view of {}", region, e);
            }
            log.info("placement filter: stopped reading the placements of {}", region);
        }
    }

    static Handle acquire(String region, String bootstrapServers) {
        String key = region + "@" + bootstrapServers;
        synchronized (SharedPlacementViews.class) {
            Shared shared = VIEWS.get(key);
            if (shared == null) {
                shared = new Shared(key, region, bootstrapServers);
                VIEWS.put(key, shared);
                log.info("placement filter: reading the placements of {} from {}", region, bootstrapServers);
                shared.loader.start();
            }
            shared.refs++;
            return new Handle(shared);
        }
    }

    /** How many views are open (tests). */
    static synchronized int openViews() {
        return VIEWS.size();
    }
}
