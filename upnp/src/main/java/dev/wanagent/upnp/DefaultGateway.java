package dev.wanagent.upnp;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The LAN's default gateway (the router we trust) and this host's address on the route to it. On Windows and macOS
 * the OS's own route commands are read (no library: OSHI, which could tell the same, brings JNA and several MB).
 */
public final class DefaultGateway {
    private static final Logger LOG = LoggerFactory.getLogger(DefaultGateway.class);
    private static final Path PROC_ROUTE = Path.of("/proc/net/route");
    private static final Pattern WINDOWS_DIR = Pattern.compile("[A-Za-z]:\\\\[A-Za-z0-9 ._()\\\\-]{1,100}");
    static final List<String> MAC_ROUTE_GET = List.of("/sbin/route", "-n", "get", "default");
    static final List<String> MAC_NETSTAT = List.of("/usr/sbin/netstat", "-rn", "-f", "inet");

    private DefaultGateway() {
    }

    /** The kind of interface a default route goes through, best first. */
    enum Kind {
        /** Looks like a real LAN adapter (Ethernet, Wi-Fi). */
        PHYSICAL,
        /** A virtual switch or VM adapter (Hyper-V vEthernet, VMware, VirtualBox, bridges): may carry the LAN. */
        VIRTUAL,
        /** A tunnel or VPN (TAP, Wintun, WireGuard, utun, ipsec, PPP): never the LAN's router. */
        TUNNEL
    }

    /** A gateway found, or why none was; {@code explanation} is one printable line either way. */
    record Found(Optional<InetAddress> gateway, String explanation) {
        Found {
            explanation = RouterText.printable(explanation == null ? "" : explanation, 600);
        }

        static Found of(InetAddress gateway, String how) {
            return new Found(Optional.of(gateway), how);
        }

        static Found none(String why) {
            return new Found(Optional.empty(), why);
        }
    }

    /** What a lookup needs from the machine; tests give recorded answers instead. */
    interface Host {
        OsCommand.Result run(List<String> command);

        Optional<WindowsRoutes.Adapter> windowsAdapter(Inet4Address address);

        /** An environment variable, or null. */
        String env(String name);
    }

    private static final Host REAL = new Host() {
        @Override
        public OsCommand.Result run(List<String> command) {
            return OsCommand.run(command);
        }

        @Override
        public Optional<WindowsRoutes.Adapter> windowsAdapter(Inet4Address address) {
            try {
                NetworkInterface nic = NetworkInterface.getByInetAddress(address);
                if (nic == null) return Optional.empty();
                return Optional.of(new WindowsRoutes.Adapter(nic.getName(), nic.getDisplayName(), nic.isPointToPoint()));
            } catch (SocketException | RuntimeException e) {
                return Optional.empty();
            }
        }

        @Override
        public String env(String name) {
            return System.getenv(name);
        }
    };

    /**
     * The IPv4 default gateway, of {@code networkInterface} when given; empty where the routing table cannot be read
     * or has no such route (the reason is logged at debug level).
     * <ul>
     *   <li>Linux (and any OS not below): {@code /proc/net/route}, the default route with the gateway flag and the
     *   lowest metric; {@code networkInterface} is the interface name (eth0).</li>
     *   <li>Windows: {@code %SystemRoot%\System32\route.exe print -4}, read by the shape of its rows, never its
     *   headings, so every display language reads alike; On-link default routes (no router address) are passed
     *   over. {@code networkInterface} is the interface address route print shows (192.168.1.100), or the
     *   adapter's name or description as Java reports them (eth3; Intel(R) Ethernet Connection I219-V).</li>
     *   <li>macOS: {@code /sbin/route -n get default}, and {@code /usr/sbin/netstat -rn -f inet} when that route is
     *   missing or not through a physical interface; {@code networkInterface} is the interface name (en0).</li>
     * </ul>
     * On Windows and macOS, VPNs and virtual adapters do not win over the real LAN: among the default routes with a
     * router address, the kind of adapter decides first — physical (Ethernet, Wi-Fi: macOS {@code en*}; on Windows
     * any adapter whose description names no tunnel or virtual device), then virtual switches and VM adapters
     * (Hyper-V vEthernet, which carries the LAN when an external switch is bound to the NIC; VMware; VirtualBox;
     * WSL), then tunnels and VPNs (TAP, Wintun, WireGuard, OpenVPN, vendors' VPN clients, PPP; macOS {@code utun},
     * {@code ipsec}, {@code ppp}) — and only then the metric (Windows: lowest; macOS has none: the kernel's own
     * choice, then unscoped before interface-scoped routes). So a VPN's 0.0.0.0/0 route with a lower metric, or its
     * 0.0.0.0/1 + 128.0.0.0/1 pair (not default routes at all), never hides the LAN's router while the LAN's own
     * default route is in the table; a VPN or virtual adapter is used only when it holds the only default route.
     * Each command runs without a shell and gets 3 seconds and 256 KiB of output ({@link OsCommand}).
     */
    public static Optional<InetAddress> ipv4(Optional<String> networkInterface) {
        return find(networkInterface).gateway();
    }

    /** {@link #ipv4}, with how the gateway was chosen or why there is none (also logged at debug level). */
    static Found find(Optional<String> networkInterface) {
        Found found = find(System.getProperty("os.name", ""), networkInterface, REAL);
        LOG.debug("default gateway{}: {}{}", networkInterface.map(n -> " of " + RouterText.printable(n, 64))
                .orElse(""), found.gateway().map(g -> g.getHostAddress() + ": ").orElse("none: "),
                found.explanation());
        return found;
    }

    static Found find(String osName, Optional<String> networkInterface, Host host) {
        String os = osName == null ? "" : osName.toLowerCase(Locale.ROOT);
        try {
            if (os.startsWith("windows")) return windows(networkInterface, host);
            if (os.startsWith("mac") || os.startsWith("darwin")) return mac(networkInterface, host);
            return linux(networkInterface);
        } catch (RuntimeException e) { // never expected: the parsers do not throw; a lookup must not either
            return Found.none("reading the routing table failed: " + e);
        }
    }

    /** route.exe under %SystemRoot% (C:\Windows when unset or odd): never a route.exe found first on PATH. */
    static List<String> windowsCommand(Host host) {
        String root = host.env("SystemRoot");
        if (root == null || !WINDOWS_DIR.matcher(root).matches()) root = "C:\\Windows";
        if (root.endsWith("\\")) root = root.substring(0, root.length() - 1);
        return List.of(root + "\\System32\\route.exe", "print", "-4");
    }

    private static Found windows(Optional<String> networkInterface, Host host) {
        OsCommand.Result r = host.run(windowsCommand(host));
        List<WindowsRoutes.Route> routes = WindowsRoutes.defaultRoutes(r.output());
        Found f = WindowsRoutes.choose(routes, host::windowsAdapter, networkInterface);
        return withProblem(f, r);
    }

    private static Found mac(Optional<String> networkInterface, Host host) {
        OsCommand.Result get = host.run(MAC_ROUTE_GET);
        Optional<MacRoutes.Route> primary = MacRoutes.defaultGateway(get.output());
        if (MacRoutes.enough(primary, networkInterface)) {
            return MacRoutes.choose(primary, List.of(), networkInterface);
        }
        OsCommand.Result netstat = host.run(MAC_NETSTAT);
        Found f = MacRoutes.choose(primary, MacRoutes.defaultGateways(netstat.output()), networkInterface);
        return withProblem(withProblem(f, get), netstat);
    }

    private static Found withProblem(Found f, OsCommand.Result r) {
        if (f.gateway().isPresent() || r.problem().isEmpty()) return f;
        return Found.none(f.explanation() + " (" + r.problem().get() + ")");
    }

    private static Found linux(Optional<String> networkInterface) {
        if (!Files.isReadable(PROC_ROUTE)) return Found.none("cannot read " + PROC_ROUTE);
        try {
            return fromProcNetRoute(Files.readAllLines(PROC_ROUTE), networkInterface)
                    .map(g -> Found.of(g, PROC_ROUTE.toString()))
                    .orElseGet(() -> Found.none("no default route with a gateway in " + PROC_ROUTE
                            + networkInterface.map(n -> " on " + n).orElse("")));
        } catch (IOException e) {
            return Found.none("cannot read " + PROC_ROUTE + ": " + e.getMessage());
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
