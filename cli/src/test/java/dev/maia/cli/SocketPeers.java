package dev.maia.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The remote addresses of every TCP socket this process holds that is connected or connecting
 * (everything but listening sockets), read from {@code /proc}: what "no outbound calls beyond the
 * configured hosts" is checked against. A connection attempt to an unreachable outside host shows up
 * too, as SYN_SENT, for as long as it hangs.
 */
final class SocketPeers {

    private static final String LISTEN = "0A";

    private SocketPeers() {
    }

    /** Peer addresses ({@code a.b.c.d} or IPv6 hex) of this process's non-listening TCP sockets. */
    static Set<String> ofThisProcess() throws IOException {
        Set<String> inodes = socketInodes();
        Set<String> peers = new TreeSet<>();
        for (String table : List.of("/proc/self/net/tcp", "/proc/self/net/tcp6")) {
            Path file = Path.of(table);
            if (!Files.exists(file)) {
                continue;
            }
            List<String> lines = Files.readAllLines(file);
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split("\\s+");
                if (f.length < 10 || f[3].equals(LISTEN) || !inodes.contains(f[9])) {
                    continue;
                }
                peers.add(address(f[2].substring(0, f[2].indexOf(':'))));
            }
        }
        return peers;
    }

    private static Set<String> socketInodes() throws IOException {
        Set<String> inodes = new HashSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring(8, target.length() - 1));
                    }
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        }
        return inodes;
    }

    /** /proc's little-endian hex: IPv4 as a.b.c.d; IPv4-mapped IPv6 as its IPv4; other IPv6 as hex words. */
    static String address(String hex) {
        if (hex.length() == 8) {
            return ipv4(hex);
        }
        if (hex.startsWith("0000000000000000FFFF0000")) {
            return ipv4(hex.substring(24));
        }
        if (hex.equals("00000000000000000000000001000000")) {
            return "::1";
        }
        return hex;
    }

    private static String ipv4(String hex) {
        return Integer.parseInt(hex.substring(6, 8), 16) + "." + Integer.parseInt(hex.substring(4, 6), 16) + "."
                + Integer.parseInt(hex.substring(2, 4), 16) + "." + Integer.parseInt(hex.substring(0, 2), 16);
    }
}
