package dev.wanagent.agent;

import dev.wanagent.config.InterfaceId;
import dev.wanagent.ddns.PublicAddress;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The IPv6 side of the LAN as this host sees it: its own stable global address, the address the served host has
 * (this one, or {@code hostId6} joined to the LAN's /64 prefix) and the router's address on the LAN (the IPv6
 * default route's next hop). IPv6 has no NAT: the served host's address is what AAAA records carry and what
 * pinholes open to.
 *
 * <p>Stable means: global unicast, not a temporary (privacy) address, not deprecated, tentative or failed duplicate
 * detection. Linux tells these flags in {@code /proc/net/if_inet6}; elsewhere the JDK gives no flags, so only an
 * address with a modified EUI-64 identifier (…ff:fe…) is taken as stable, unless {@code hostId6} is set.
 */
final class HostIpv6 {
    private static final Path IF_INET6 = Path.of("/proc/net/if_inet6");
    private static final Path IPV6_ROUTE = Path.of("/proc/net/ipv6_route");
    private static final int MAX_LINES = 4096;
    // /proc/net/if_inet6 flags (the low 8 bits of the kernel's IFA_F_*)
    static final int TEMPORARY = 0x01;
    static final int DAD_FAILED = 0x08;
    static final int DEPRECATED = 0x20;
    static final int TENTATIVE = 0x40;
    static final int PERMANENT = 0x80;
    private static final int RTF_GATEWAY = 0x0002;

    /** One address of an interface, with the kernel's flags (0 where unknown). */
    record InterfaceAddress(String interfaceName, Inet6Address address, int prefixLength, int flags) {
        boolean stable() {
            return (flags & (TEMPORARY | DAD_FAILED | DEPRECATED | TENTATIVE)) == 0;
        }

        boolean global() {
            return PublicAddress.whyNotPublic(address).isEmpty();
        }
    }

    /** An IPv6 default route: its interface, next hop and metric. */
    record DefaultRoute(String interfaceName, Inet6Address nextHop, long metric) {
    }

    /**
     * What a pass knows of the LAN's IPv6.
     *
     * @param local   this host's stable global address (the source of pinhole requests)
     * @param served  the served host's address: AAAA records and pinholes carry it
     * @param router  the router's LAN address (link-local ones with their scope)
     * @param problem why {@code served} (or {@code router}) is missing, one printable line; empty when both are known
     */
    record Lan(Optional<Inet6Address> local, Optional<Inet6Address> served, Optional<Inet6Address> router,
               String problem) {
        static final Lan NONE = new Lan(Optional.empty(), Optional.empty(), Optional.empty(), "IPv6 not looked at");
    }

    private final Optional<String> interfaceName;
    private final Optional<InterfaceId> hostId;

    HostIpv6(Optional<String> interfaceName, Optional<InterfaceId> hostId) {
        this.interfaceName = interfaceName;
        this.hostId = hostId;
    }

    /** Reads the host's addresses and routes now (cheap: two small files on Linux). Never throws. */
    Lan read() {
        List<InterfaceAddress> addresses;
        List<DefaultRoute> routes;
        try {
            if (Files.isReadable(IF_INET6)) {
                addresses = parseIfInet6(readLines(IF_INET6));
                routes = Files.isReadable(IPV6_ROUTE) ? parseIpv6Route(readLines(IPV6_ROUTE)) : List.of();
            } else {
                addresses = fromJdk();
                routes = List.of();
            }
        } catch (IOException | RuntimeException e) {
            return new Lan(Optional.empty(), Optional.empty(), Optional.empty(),
                    "cannot read this host's IPv6 addresses: " + e.getMessage());
        }
        return choose(addresses, routes, interfaceName, hostId);
    }

    private static List<String> readLines(Path p) throws IOException {
        byte[] bytes = Files.readAllBytes(p);
        List<String> lines = new String(bytes, StandardCharsets.US_ASCII).lines().limit(MAX_LINES).toList();
        return lines;
    }

    /**
     * Decides from what the host has: the LAN interface is the configured one, else the IPv6 default route's
     * (lowest metric), else the first with a stable global address.
     */
    static Lan choose(List<InterfaceAddress> addresses, List<DefaultRoute> routes, Optional<String> interfaceName,
                      Optional<InterfaceId> hostId) {
        Optional<DefaultRoute> route = routes.stream()
                .filter(r -> interfaceName.map(n -> n.equals(r.interfaceName())).orElse(true))
                .min(Comparator.comparingLong(DefaultRoute::metric));
        Optional<String> lan = interfaceName.or(() -> route.map(DefaultRoute::interfaceName))
                .or(() -> addresses.stream().filter(a -> a.global() && a.stable()).map(InterfaceAddress::interfaceName)
                        .findFirst());
        if (lan.isEmpty()) {
            return new Lan(Optional.empty(), Optional.empty(), Optional.empty(),
                    "this host has no global IPv6 address and no IPv6 default route");
        }
        String nic = lan.get();
        List<InterfaceAddress> global = addresses.stream()
                .filter(a -> a.interfaceName().equals(nic) && a.global()).toList();
        Optional<Inet6Address> local = global.stream().filter(InterfaceAddress::stable)
                .min(Comparator.comparing((InterfaceAddress a) -> (a.flags() & PERMANENT) == 0)
                        .thenComparing(a -> HexFormat.of().formatHex(a.address().getAddress())))
                .map(InterfaceAddress::address);
        Optional<Inet6Address> router = route.map(DefaultRoute::nextHop);
        Optional<Inet6Address> served;
        String problem;
        if (hostId.isPresent()) {
            // the LAN's /64: from any global address of the interface, temporary ones included
            served = local.or(() -> global.stream().map(InterfaceAddress::address).findFirst())
                    .map(prefix -> hostId.get().in(prefix));
            problem = served.isPresent() ? "" : "no global IPv6 address on " + nic + " to take the LAN's prefix from"
                    + " (hostId6 " + hostId.get() + ")";
        } else {
            served = local;
            problem = local.isPresent() ? "" : global.isEmpty()
                    ? "no global IPv6 address on " + nic
                    : "only temporary (privacy) IPv6 addresses on " + nic + ": no stable address to publish (give the"
                    + " host a stable one, or set hostId6)";
        }
        if (problem.isEmpty() && router.isEmpty()) problem = "no IPv6 default route on " + nic;
        return new Lan(local, served, router, problem);
    }

    /**
     * Lines of /proc/net/if_inet6: {@code address(32 hex) ifindex prefixlen scope flags name}. Lines that do not
     * have that shape are skipped (the file is the kernel's; a bad line must not cost the others).
     */
    static List<InterfaceAddress> parseIfInet6(List<String> lines) {
        List<InterfaceAddress> out = new ArrayList<>();
        for (String line : lines) {
            String[] f = line.trim().split("\\s+");
            if (f.length != 6 || !isHex(f[0], 32) || !isHex(f[2], 2) || !isHex(f[4], 2) || f[5].length() > 64) continue;
            Optional<Inet6Address> a = address(f[0], Optional.of(f[5]));
            a.ifPresent(x -> out.add(new InterfaceAddress(f[5], x, Integer.parseInt(f[2], 16),
                    Integer.parseInt(f[4], 16))));
        }
        return out;
    }

    /**
     * Default routes from /proc/net/ipv6_route: {@code dest plen src plen nexthop metric refcnt use flags name}, with
     * dest ::/0, a gateway flag and a next hop that is not ::.
     */
    static List<DefaultRoute> parseIpv6Route(List<String> lines) {
        List<DefaultRoute> out = new ArrayList<>();
        for (String line : lines) {
            String[] f = line.trim().split("\\s+");
            if (f.length != 10 || !isHex(f[0], 32) || !isHex(f[1], 2) || !isHex(f[4], 32) || !isHex(f[5], 8)
                    || !isHex(f[8], 8) || f[9].length() > 64) {
                continue;
            }
            boolean isDefault = f[0].chars().allMatch(c -> c == '0') && f[1].equals("00");
            boolean viaGateway = (Long.parseLong(f[8], 16) & RTF_GATEWAY) != 0;
            if (!isDefault || !viaGateway || f[4].chars().allMatch(c -> c == '0') || f[9].equals("lo")) continue;
            address(f[4], Optional.of(f[9])).ifPresent(a ->
                    out.add(new DefaultRoute(f[9], a, Long.parseLong(f[5], 16))));
        }
        return out;
    }

    private static boolean isHex(String s, int length) {
        return s.length() == length && s.chars().allMatch(c -> Character.digit(c, 16) >= 0);
    }

    /** The address from 32 hex digits; a link-local one gets the interface as its scope (when it exists here). */
    private static Optional<Inet6Address> address(String hex, Optional<String> nic) {
        byte[] b = HexFormat.of().parseHex(hex);
        try {
            if ((b[0] & 0xff) == 0xfe && (b[1] & 0xc0) == 0x80 && nic.isPresent()) {
                NetworkInterface n = NetworkInterface.getByName(nic.get());
                if (n != null) return Optional.of(Inet6Address.getByAddress(null, b, n));
            }
            return Optional.of((Inet6Address) InetAddress.getByAddress(b));
        } catch (UnknownHostException | SocketException e) {
            return Optional.empty();
        }
    }

    /**
     * Without /proc (Windows, macOS): the JDK's addresses, without flags. A temporary address cannot be told from a
     * stable one there, so only modified EUI-64 addresses (…ff:fe…, which privacy addresses never are) count as
     * stable; the others are marked temporary.
     */
    private static List<InterfaceAddress> fromJdk() throws SocketException {
        List<InterfaceAddress> out = new ArrayList<>();
        for (NetworkInterface n : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!n.isUp() || n.isLoopback()) continue;
            for (java.net.InterfaceAddress ia : n.getInterfaceAddresses()) {
                if (ia.getAddress() instanceof Inet6Address a) {
                    byte[] b = a.getAddress();
                    boolean eui64 = (b[11] & 0xff) == 0xff && (b[12] & 0xff) == 0xfe;
                    out.add(new InterfaceAddress(n.getName(), a, ia.getNetworkPrefixLength(), eui64 ? 0 : TEMPORARY));
                }
            }
        }
        return out;
    }
}
