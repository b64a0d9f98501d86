package dev.wanagent.upnp;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** The LAN's default gateway (the router we trust) and this host's address on the route to it. */
public final class DefaultGateway {
    private static final Path PROC_ROUTE = Path.of("/proc/net/route");

    private DefaultGateway() {
    }

    /**
     * The IPv4 default gateway from the kernel routing table (Linux), of {@code networkInterface} when given;
     * empty where that table cannot be read or has no such route.
     */
    public static Optional<InetAddress> ipv4(Optional<String> networkInterface) {
        if (!Files.isReadable(PROC_ROUTE)) return Optional.empty();
        try {
            return fromProcNetRoute(Files.readAllLines(PROC_ROUTE), networkInterface);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Parses /proc/net/route: the row with destination 00000000, mask 00000000 and the gateway flag, lowest metric. */
    static Optional<InetAddress> fromProcNetRoute(List<String> lines, Optional<String> networkInterface) {
        InetAddress best = null;
        long bestMetric = Long.MAX_VALUE;
        for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 8) continue;
            try {
                int flags = Integer.parseInt(f[3], 16);
                if (!f[1].equals("00000000") || !f[7].equals("00000000") || (flags & 0x3) != 0x3) continue;
                if (networkInterface.isPresent() && !networkInterface.get().equals(f[0])) continue;
                long metric = Long.parseLong(f[6]);
                long gw = Long.parseLong(f[2], 16);
                // the kernel prints the address in host (little-endian) byte order
                byte[] b = {(byte) gw, (byte) (gw >> 8), (byte) (gw >> 16), (byte) (gw >> 24)};
                if (metric < bestMetric) {
                    best = InetAddress.getByAddress(b);
                    bestMetric = metric;
                }
            } catch (NumberFormatException | UnknownHostException e) {
                // not a route row
            }
        }
        return Optional.ofNullable(best);
    }

    /** This host's address on the route to {@code peer} (connecting a UDP socket sends nothing). */
    public static InetAddress localAddressTowards(InetAddress peer) throws IOException {
        try (DatagramSocket s = new DatagramSocket()) {
            s.connect(new InetSocketAddress(peer, 9));
            InetAddress local = s.getLocalAddress();
            if (local == null || local.isAnyLocalAddress() || !(local instanceof Inet4Address)) {
                throw new IOException("no IPv4 route from this host to " + peer.getHostAddress());
            }
            return local;
        }
    }
}
