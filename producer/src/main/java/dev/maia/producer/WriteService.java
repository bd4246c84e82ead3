package dev.maia.producer;

import dev.maia.schemas.http.HttpRouter;
import dev.maia.schemas.read.CurrentState;
import dev.maia.schemas.wal.HybridLogicalClock;
import dev.maia.schemas.wal.WalCodec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import java.util.Map;

/** The write path of one region: validation, the clock, the tenant logs and the producer behind the routes. */
public final class WriteService implements AutoCloseable {
    private final Admin admin;
    private final WalAppender appender;
    private final WriteRoutes routes;
    private final HybridLogicalClock clock = new HybridLogicalClock();

    public WriteService(WriteConfig config, WalCodec codec, CurrentState state) {
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers()));
        this.appender = new WalAppender(config.bootstrapServers(), config.region(), codec);
        WalTopicProvisioner topics = new WalTopicProvisioner(admin, config.walPartitions(), config.walReplicationFactor());
        this.routes = new WriteRoutes(config.region(), topics, appender, clock, state, config.limits());
    }

    public void mount(HttpRouter router) {
        routes.mount(router);
    }

    /** The region's clock, so the apply side can fold in every clock it applies. */
    public HybridLogicalClock clock() {
        return clock;
    }

    @Override
    public void close() {
        appender.close();
        admin.close();
    }
}
