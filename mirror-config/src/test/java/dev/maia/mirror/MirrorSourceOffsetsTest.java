package dev.maia.mirror;

import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Which committed MM2 source offsets a reset forgets: exactly the topic's, of the flow's source cluster. */
class MirrorSourceOffsetsTest {
    private static final String CONNECTOR = MirrorSourceOffsets.SOURCE_CONNECTOR;
    private static final String TOPIC = "maia.wal.t1";

    private final List<ConsumerRecord<byte[], byte[]>> log = new ArrayList<>();

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private void commit(int offsetsPartition, String key, String value) {
        log.add(new ConsumerRecord<>("mm2-offsets.us-west.internal", offsetsPartition, log.size(),
                bytes(key), value == null ? null : bytes(value)));
    }

    private List<String> forgotten() {
        return MirrorSourceOffsets.committedKeys(log, CONNECTOR, "us-west", TOPIC).stream()
                .map(c -> c.offsetsPartition() + " " + new String(c.key(), StandardCharsets.UTF_8)).toList();
    }

    @Test
    void keysAreMatchedByContentWhateverTheFieldOrder() {
        assertThat(MirrorSourceOffsets.isKeyOf(bytes(
                "[\"MirrorSourceConnector\",{\"cluster\":\"us-west\",\"partition\":0,\"topic\":\"maia.wal.t1\"}]"),
                CONNECTOR, "us-west", TOPIC)).isTrue();
        assertThat(MirrorSourceOffsets.isKeyOf(bytes(
                "[\"MirrorSourceConnector\",{\"topic\":\"maia.wal.t1\",\"partition\":3,\"cluster\":\"us-west\"}]"),
                CONNECTOR, "us-west", TOPIC)).isTrue();
        assertThat(MirrorSourceOffsets.isKeyOf(bytes(
                "[ \"MirrorSourceConnector\" , { \"partition\" : 1 , \"cluster\" : \"us-west\" , \"topic\" : \"maia.wal.t1\" } ]"),
                CONNECTOR, "us-west", TOPIC)).isTrue();
    }

    @Test
    void otherTopicsClustersConnectorsAndForeignBytesAreNotMatched() {
        for (String key : List.of(
                "[\"MirrorSourceConnector\",{\"cluster\":\"ap-tokyo\",\"partition\":0,\"topic\":\"maia.wal.t1\"}]",
                "[\"MirrorSourceConnector\",{\"cluster\":\"us-west\",\"partition\":0,\"topic\":\"maia.wal.t10\"}]",
                "[\"MirrorSourceConnector\",{\"cluster\":\"us-west\",\"partition\":0,\"topic\":\"us-west.maia.wal.t1\"}]",
                "[\"MirrorCheckpointConnector\",{\"cluster\":\"us-west\",\"partition\":0,\"topic\":\"maia.wal.t1\"}]",
                "[\"MirrorSourceConnector\",{\"cluster\":\"us-west\",\"topic\":\"maia.wal.t1\"}]",
                "[\"MirrorSourceConnector\"]",
                "{\"cluster\":\"us-west\",\"partition\":0,\"topic\":\"maia.wal.t1\"}",
                "not json at all")) {
            assertThat(MirrorSourceOffsets.isKeyOf(bytes(key), CONNECTOR, "us-west", TOPIC)).as(key).isFalse();
        }
    }

    @Test
    void onlyTheTopicsLiveKeysOfTheSourceClusterAreForgottenWithTheirExactBytesAndPartition() {
        String p0 = "[\"MirrorSourceConnector\",{\"cluster\":\"us-west\",\"partition\":0,\"topic\":\"maia.wal.t1\"}]";
        String p1 = "[\"MirrorSourceConnector\",{\"topic\":\"maia.wal.t1\",\"cluster\":\"us-west\",\"partition\":1}]";
        String p2 = "[\"MirrorSourceConnector\",{\"cluster\":\"us-west\",\"partition\":2,\"topic\":\"maia.wal.t1\"}]";
        commit(4, p0, "{\"offset\":10}");
        commit(7, p1, "{\"offset\":3}");
        commit(9, p2, "{\"offset\":5}");
        commit(9, p2, null); // already forgotten: nothing to tombstone
        commit(4, p0, "{\"offset\":19}");
        commit(2, "[\"MirrorSourceConnector\",{\"cluster\":\"ap-tokyo\",\"partition\":0,\"topic\":\"maia.wal.t1\"}]", "{\"offset\":1}");
        commit(3, "[\"MirrorSourceConnector\",{\"cluster\":\"us-west\",\"partition\":0,\"topic\":\"maia.wal.t2\"}]", "{\"offset\":1}");
        commit(5, "[\"MirrorSourceConnector\",{\"cluster\":\"us-west\",\"partition\":0,\"topic\":\"heartbeats\"}]", "{\"offset\":1}");

        assertThat(forgotten()).containsExactly("4 " + p0, "7 " + p1);
    }

    @Test
    void nothingCommittedNothingForgotten() {
        assertThat(forgotten()).isEmpty();
        commit(0, "[\"MirrorSourceConnector\",{\"cluster\":\"us-west\",\"partition\":0,\"topic\":\"maia.wal.t1\"}]", null);
        assertThat(forgotten()).isEmpty();
    }

    @Test
    void clientsGetTheTargetClustersSettingsTheyKnow() {
        Map<String, Object> flow = Map.of(
                "target.cluster.bootstrap.servers", "127.0.0.1:9093",
                "target.cluster.security.protocol", "PLAINTEXT",
                "target.cluster.plugin.discovery", "service_load",
                "source.cluster.bootstrap.servers", "127.0.0.1:9092");
        assertThat(CopyHistoryReset.targetClient(flow, AdminClientConfig.configNames())).isEqualTo(Map.of(
                "bootstrap.servers", "127.0.0.1:9093", "security.protocol", "PLAINTEXT"));
        assertThat(CopyHistoryReset.targetClient(flow, ConsumerConfig.configNames())).containsEntry("bootstrap.servers", "127.0.0.1:9093");
        assertThat(CopyHistoryReset.possible(flow)).isTrue();
        assertThat(CopyHistoryReset.possible(Map.of("source.cluster.bootstrap.servers", "x:1"))).isFalse();
    }
}
