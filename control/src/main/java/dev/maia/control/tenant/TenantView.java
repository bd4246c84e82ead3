package dev.maia.control.tenant;

import dev.maia.schemas.topology.KafkaSecurity;
import dev.maia.control.TopicTail;
import dev.maia.control.log.Decisions;
import dev.maia.schemas.avro.ApiKey;
import dev.maia.schemas.avro.Tenant;
import dev.maia.schemas.tenant.ControlRecords;
import dev.maia.schemas.wal.WalTopics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * Every tenant and issued API key as the control log ({@code maia.control}) decides them, read from its
 * beginning in order by the rule of {@link TenantFold}; one per region process, so a tenant suspended or
 * a key revoked in one region holds in every region as soon as each has read the record.
 */
public final class TenantView implements TenantDirectory, AutoCloseable {
    private final TenantFold fold = new TenantFold();
    private final Decisions decisions = new Decisions();
    private final TopicTail tail;

    public TenantView(String controlBootstrapServers, KafkaSecurity security, String reader) {
        this.tail = new TopicTail(controlBootstrapServers, security, "tenant-view-" + reader,
                Pattern.compile(Pattern.quote(WalTopics.CONTROL)), 100, this::accept, () -> { });
    }

    /** Starts tailing and waits until the control log present now has been read to its end. */
    public void start(Duration timeout) throws InterruptedException, TimeoutException {
        tail.start();
        tail.awaitCaughtUp(timeout);
    }

    private void accept(ConsumerRecord<String, byte[]> r) {
        Header kind = r.headers().lastHeader(ControlRecords.KIND_HEADER);
        decisions.record(r.offset(), fold.accept(ControlRecords.kind(kind == null ? null : kind.value()), r.value()));
    }

    /** Waits until the record at {@code offset} has been read; answers whether it took effect (empty: not read in time). */
    public Optional<Boolean> awaitDecision(long offset, Duration timeout) throws InterruptedException {
        return decisions.await(offset, timeout);
    }

    @Override
    public Optional<Tenant> tenant(String tenantId) {
        return fold.tenant(tenantId);
    }

    @Override
    public Optional<ApiKey> apiKey(String keySha256) {
        return fold.apiKey(keySha256);
    }

    public Collection<Tenant> tenants() {
        return fold.tenants();
    }

    public List<ApiKey> keysOf(String tenantId) {
        return fold.keysOf(tenantId);
    }

    @Override
    public void close() {
        tail.close();
    }
}
