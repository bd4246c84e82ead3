package dev.maia.control.lease;

import dev.maia.control.log.ConditionalAppend;
import dev.maia.control.log.ControlLogUnavailableException;
import dev.maia.control.placement.PlacementView;
import dev.maia.schemas.avro.Lease;
import dev.maia.schemas.placement.LeaseRecords;
import dev.maia.schemas.tenant.ControlRecords;
import dev.maia.schemas.wal.WalTopics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.function.LongSupplier;

/**
 * Keeps this region's lease: every {@link LeaseSettings#renewInterval} it appends a renewal to the control log
 * and reads it back through the region's {@link PlacementView}. Only once read back does the renewal count:
 * by then the view has applied every change before it, so a failover that replaced this region (it can only
 * precede the renewal in the log, see {@link PlacementView}) is known before the region leads again. A region
 * that cannot renew stops leading {@link LeaseSettings#heldFor} after its last renewal was sent.
 */
public final class LeaseKeeper implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LeaseKeeper.class);

    private final KafkaProducer<String, byte[]> producer;
    private final PlacementView view;
    private final String region;
    private final LeaseSettings settings;
    private final LongSupplier nanos;
    private final Thread thread;
    private volatile long heldUntilNanos;
    /** What was last logged: held or not. */
    private volatile boolean reported;
    private volatile boolean running = true;

    /** {@code producer} is the region's one control-cluster producer; its owner closes it. */
    public LeaseKeeper(KafkaProducer<String, byte[]> producer, PlacementView view, String region, LeaseSettings settings,
                       LongSupplier nanos) {
        this.producer = producer;
        this.view = view;
        this.region = region;
        this.settings = settings;
        this.nanos = nanos;
        this.heldUntilNanos = nanos.getAsLong();
        this.thread = new Thread(this::run, "maia-lease-" + region);
        this.thread.setDaemon(true);
    }

    /** Renews once (so a region that reaches the majority leads from its first request), then keeps renewing. */
    public void start() throws InterruptedException {
        renewOnce();
        thread.start();
    }

    public LeaseSettings settings() {
        return settings;
    }

    /** Whether this region holds its lease now: it may accept writes of the tenants it leads. */
    public boolean held() {
        return nanos.getAsLong() - heldUntilNanos < 0;
    }

    /** How much longer the lease holds without another renewal; zero once it has lapsed. */
    public Duration remaining() {
        long left = heldUntilNanos - nanos.getAsLong();
        return left > 0 ? Duration.ofNanos(left) : Duration.ZERO;
    }

    /**
     * Renews once: appends, waits for the majority's acknowledgement and for the view to read it back. A
     * renewal that fails leaves the lease to lapse on its own.
     */
    public boolean renewOnce() throws InterruptedException {
        long sent = nanos.getAsLong();
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(WalTopics.CONTROL, LeaseRecords.leaseKey(region),
                LeaseRecords.encode(new Lease(region, Instant.now(), settings.duration().toMillis())));
        record.headers().add(ControlRecords.KIND_HEADER, ControlRecords.kindHeader(ControlRecords.KIND_LEASE));
        try {
            ConditionalAppend.append(producer, record, view::awaitDecision, "the lease of " + region, settings.heldFor());
        } catch (ControlLogUnavailableException e) {
            if (held()) {
                log.warn("region {} could not renew its lease ({} left): {}", region, remaining(), e.getMessage());
            }
            reportChange();
            return false;
        }
        long until = sent + settings.heldFor().toNanos();
        if (until - heldUntilNanos > 0) {
            heldUntilNanos = until;
        }
        reportChange();
        return true;
    }

    /** Logs when the lease is gained or lost, once per change. */
    private void reportChange() {
        boolean now = held();
        if (now != reported) {
            reported = now;
            if (now) {
                log.info("region {} holds its lease", region);
            } else {
                log.warn("region {} lost its lease: it accepts no writes of tenants that can fail over", region);
            }
        }
    }

    private void run() {
        while (running) {
            try {
                Thread.sleep(settings.renewInterval().toMillis());
                renewOnce();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.warn("lease renewal of {} failed: {}", region, e.toString());
            }
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(settings.duration().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
