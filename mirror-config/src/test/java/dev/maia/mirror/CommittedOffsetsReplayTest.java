package dev.maia.mirror;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The committed offsets replayed a batch at a time, as the offsets topic is read between topic refreshes:
 * what a reset forgets must be what a replay of the whole topic at once would give.
 */
class CommittedOffsetsReplayTest {
    private static final String CONNECTOR = MirrorSourceOffsets.SOURCE_CONNECTOR;

    private long offset;

    private static String key(String topic, int partition) {
        return "[\"MirrorSourceConnector\",{\"cluster\":\"us-west\",\"partition\":" + partition + ",\"topic\":\"" + topic + "\"}]";
    }

    private ConsumerRecord<byte[], byte[]> record(int offsetsPartition, String key, String value) {
        return new ConsumerRecord<>("mm2-offsets.us-west.internal", offsetsPartition, offset++,
                key.getBytes(StandardCharsets.UTF_8), value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> live(CommittedOffsetsReplay replay, String topic) {
        return replay.live(topic).stream()
                .map(c -> c.offsetsPartition() + " " + new String(c.key(), StandardCharsets.UTF_8)).toList();
    }

    @Test
    void aTombstoneInALaterBatchForgetsAKeyCommittedInAnEarlierOne() {
        CommittedOffsetsReplay replay = new CommittedOffsetsReplay(CONNECTOR, "us-west");
        replay.apply(List.of(record(4, key("maia.wal.t1", 0), "{\"offset\":10}"), record(7, key("maia.wal.t1", 1), "{\"offset\":3}")));
        assertThat(live(replay, "maia.wal.t1")).containsExactly("4 " + key("maia.wal.t1", 0), "7 " + key("maia.wal.t1", 1));

        replay.apply(List.of(record(4, key("maia.wal.t1", 0), null)));
        assertThat(live(replay, "maia.wal.t1")).containsExactly("7 " + key("maia.wal.t1", 1));

        replay.apply(List.of(record(4, key("maia.wal.t1", 0), "{\"offset\":11}")));
        assertThat(live(replay, "maia.wal.t1")).containsExactly("7 " + key("maia.wal.t1", 1), "4 " + key("maia.wal.t1", 0));
    }

    @Test
    void batchByBatchGivesWhatTheWholeTopicAtOnceGivesForEveryTopic() {
        List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            String topic = "maia.wal.t" + (i % 40);
            int partition = i % 3;
            String value = i % 7 == 0 ? null : "{\"offset\":" + i + "}";
            all.add(record(i % 25, key(topic, partition), value));
            if (i % 11 == 0) {
                all.add(record(i % 25, "[\"MirrorSourceConnector\",{\"cluster\":\"ap-tokyo\",\"partition\":0,\"topic\":\"" + topic + "\"}]",
                        "{\"offset\":1}"));
                all.add(record(i % 25, "not json", "{\"offset\":1}"));
            }
        }
        CommittedOffsetsReplay incremental = new CommittedOffsetsReplay(CONNECTOR, "us-west");
        for (int from = 0; from < all.size(); from += 17) {
            incremental.apply(all.subList(from, Math.min(all.size(), from + 17)));
        }
        for (int t = 0; t < 40; t++) {
            String topic = "maia.wal.t" + t;
            List<String> whole = MirrorSourceOffsets.committedKeys(all, CONNECTOR, "us-west", topic).stream()
                    .map(c -> c.offsetsPartition() + " " + new String(c.key(), StandardCharsets.UTF_8)).toList();
            assertThat(live(incremental, topic)).as(topic).containsExactlyInAnyOrderElementsOf(whole);
        }
        assertThat(live(incremental, "maia.wal.t1")).as("a topic with live keys").isNotEmpty();
    }

    @Test
    void keysOfOtherClustersConnectorsAndForeignBytesAreNeverLive() {
        CommittedOffsetsReplay replay = new CommittedOffsetsReplay(CONNECTOR, "us-west");
        replay.apply(List.of(
                record(0, "[\"MirrorSourceConnector\",{\"cluster\":\"ap-tokyo\",\"partition\":0,\"topic\":\"maia.wal.t1\"}]", "{\"offset\":1}"),
                record(0, "[\"MirrorCheckpointConnector\",{\"cluster\":\"us-west\",\"partition\":0,\"topic\":\"maia.wal.t1\"}]", "{\"offset\":1}"),
                record(0, "[\"MirrorSourceConnector\",{\"cluster\":\"us-west\",\"topic\":\"maia.wal.t1\"}]", "{\"offset\":1}"),
                record(0, "not json at all", "{\"offset\":1}")));
        assertThat(replay.live("maia.wal.t1")).isEmpty();
    }
}
