package dev.maia.mirror;

import dev.maia.schemas.avro.Placement;
import dev.maia.control.placement.PlacementView;
import dev.maia.schemas.topology.KafkaSecurity;
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
 * One {@link PlacementView} of the control log per JVM, shared by reference count.
 *
 * <p>MM2 instantiates a topic filter in every MirrorSourceConnector, MirrorCheckpointConnector and
 * MirrorCheckpointTask of every flow; with three regions that would be a dozen consumers tailing the same
 * log. Every flow reads the same placements, so one view is enough. The view is closed when the last
 * filter using it is closed.
 *
 * <p>{@link PlacementView#start} blocks until the view has read everything present and can only be called
 * once, so it runs on a loader thread of its own; {@link Handle#loaded()} turns true when it returns. A
 * caller waits a bounded time ({@link Handle#awaitLoaded}) and otherwise goes on failing closed until then.
 */
final class SharedPlacementViews {

    private static final Logger log = LoggerFactory.getLogger(SharedPlacementViews.class);
    private static final Map<ViewKey, Shared> VIEWS = new HashMap<>();

    /** A view per control cluster and identity: two MM2s with different certificates in one JVM (tests) read apart. */
    private record ViewKey(String controlBootstrapServers, KafkaSecurity security) {
    }

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
                VIEWS.remove(shared.viewKey);
            }
            shared.stop();
        }
    }

    private static final class Shared {
        final String key;
        final ViewKey viewKey;
        final PlacementView view;
        final CountDownLatch loaded = new CountDownLatch(1);
        final Thread loader;
        int refs;

        Shared(String controlBootstrapServers, KafkaSecurity security) {
            this.key = controlBootstrapServers;
            this.viewKey = new ViewKey(controlBootstrapServers, security);
            this.view = new PlacementView(controlBootstrapServers, security, "mm2-filter");
            this.loader = new Thread(this::load, "maia-placement-filter-load");
            this.loader.setDaemon(true);
        }

        private void load() {
            long t0 = System.nanoTime();
            try {
                // No deadline of its own: the callers bound their wait; this thread is interrupted on close.
                view.start(Duration.ofDays(365));
                loaded.countDown();
                log.info("placement filter: placements from {} loaded ({} tenants) in {} ms",
                        key, view.all().size(), (System.nanoTime() - t0) / 1_000_000);
            } catch (InterruptedException e) {
                log.debug("placement filter: loading the placements interrupted (closed)");
            } catch (TimeoutException | RuntimeException e) {
                log.error("placement filter: cannot load the placements from {}; tenant WALs stay unmirrored", key, e);
            }
        }

        void stop() {
            loader.interrupt();
            try {
                view.close();
            } catch (RuntimeException e) {
                log.warn("placement filter: error closing the placement view of {}", key, e);
            }
            log.info("placement filter: stopped reading the placements from {}", key);
        }
    }

    static Handle acquire(String controlBootstrapServers, KafkaSecurity security) {
        synchronized (SharedPlacementViews.class) {
            ViewKey key = new ViewKey(controlBootstrapServers, security);
            Shared shared = VIEWS.get(key);
            if (shared == null) {
                shared = new Shared(controlBootstrapServers, security);
                VIEWS.put(key, shared);
                log.info("placement filter: reading the placements from the control log at {}", controlBootstrapServers);
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
