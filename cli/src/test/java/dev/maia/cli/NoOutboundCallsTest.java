package dev.maia.cli;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No component calls outside the configured hosts: after a write has replicated to every region of the
 * shared stack (brokers, control cluster, MirrorMaker 2, three region processes, all in this JVM, all on
 * TLS), every TCP socket this process holds, connected or still connecting, has a loopback peer. A
 * library that phoned home (Chronicle's analytics, an update check) would show up as a socket to
 * another address, connected or stuck in SYN_SENT on this machine without a route out.
 */
class NoOutboundCallsTest extends RegionsTest {

    @Test
    void everySocketOfTheRunningStackHasALoopbackPeer() throws Exception {
        TestStack.Tenant t = TestStack.tenant();
        TestStack.place(t.id(), "global", "us-west");
        List<String> ids = TestStack.writeMemories("us-west", t.key(), 3, "outbound");
        for (String region : List.of("eu-central", "ap-tokyo")) {
            TestStack.awaitGet(region, "/v1/memories/" + ids.get(2), t.key(), 200);
        }

        Set<String> peers = SocketPeers.ofThisProcess();
        // Not vacuous: the brokers' clients, MM2 and the HTTP clients are connected right now.
        assertThat(peers).as("peers of this process's TCP sockets").isNotEmpty();
        assertThat(peers).as("peers of this process's TCP sockets").allMatch(p -> p.equals("127.0.0.1") || p.equals("::1"));
    }

    @Test
    void procAddressesAreReadAsTheKernelWritesThem() {
        assertThat(SocketPeers.address("0100007F")).isEqualTo("127.0.0.1");
        assertThat(SocketPeers.address("0000000000000000FFFF00000100007F")).isEqualTo("127.0.0.1");
        assertThat(SocketPeers.address("0000000000000000FFFF00000A000001")).isEqualTo("1.0.0.10");
        assertThat(SocketPeers.address("08080808")).isEqualTo("8.8.8.8");
    }
}
