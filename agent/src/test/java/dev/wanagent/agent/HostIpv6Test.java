package dev.wanagent.agent;

import dev.wanagent.config.InterfaceId;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The served host's IPv6 address from recorded /proc/net/if_inet6 and /proc/net/ipv6_route contents. */
class HostIpv6Test {
    // a Debian host with SLAAC + privacy extensions (use_tempaddr=2) on eth0, a docker bridge and a WireGuard tunnel
    static final List<String> IF_INET6 = List.of(
            "2a0104f8c0ffee000000000000000123 02 40 00 01     eth0",   // temporary
            "2a0104f8c0ffee00525400fffe123456 02 40 00 00     eth0",   // SLAAC EUI-64 (stable, dynamic)
            "2a0104f8c0ffee009b1c3a7d5e6f7081 02 40 00 21     eth0",   // old temporary, deprecated
            "fd12345678900000525400fffe123456 02 40 00 00     eth0",   // ULA
            "fe80000000000000525400fffe123456 02 40 20 80     eth0",   // link-local
            "00000000000000000000000000000001 01 80 10 80       lo",
            "2a0104f8c0ffee990000000000000001 05 40 00 80  docker0",
            "2a0104f8c0ffee770000000000000002 06 80 00 80      wg0");
    static final List<String> IPV6_ROUTE = List.of(
            "2a0104f8c0ffee000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth0",
            "00000000000000000000000000000000 00 00000000000000000000000000000000 00 2a0104f8c0ffee770000000000000001 00000800 00000001 00000000 00000003      wg0",
            "00000000000000000000000000000000 00 00000000000000000000000000000000 00 2a0104f8c0ffee000000000000000001 00000400 00000001 00000000 00000003     eth0",
            "00000000000000000000000000000000 00 00000000000000000000000000000000 00 00000000000000000000000000000000 ffffffff 00000001 00000000 00200200       lo");

    private static Inet6Address ip(String s) throws Exception {
        return (Inet6Address) InetAddress.getByName(s);
    }

    @Test
    void theStableGlobalAddressOfTheDefaultRoutesInterface() throws Exception {
        HostIpv6.Lan lan = HostIpv6.choose(HostIpv6.parseIfInet6(IF_INET6), HostIpv6.parseIpv6Route(IPV6_ROUTE),
                Optional.empty(), Optional.empty());
        assertEquals(Optional.of(ip("2a01:4f8:c0ff:ee00:5254:ff:fe12:3456")), lan.served(),
                "not the temporary, not the deprecated, not the ULA, not the tunnel's");
        assertEquals(lan.served(), lan.local());
        assertEquals(Optional.of(ip("2a01:4f8:c0ff:ee00::1")), lan.router(), "the lowest-metric default route (eth0)");
        assertEquals("", lan.problem());
    }

    @Test
    void hostId6JoinsTheLansPrefix() throws Exception {
        HostIpv6.Lan lan = HostIpv6.choose(HostIpv6.parseIfInet6(IF_INET6), HostIpv6.parseIpv6Route(IPV6_ROUTE),
                Optional.empty(), InterfaceId.parse("mac(00:11:32:aa:bb:cc)"));
        assertEquals(Optional.of(ip("2a01:4f8:c0ff:ee00:211:32ff:feaa:bbcc")), lan.served());
        assertEquals(Optional.of(ip("2a01:4f8:c0ff:ee00:5254:ff:fe12:3456")), lan.local(), "requests still come from here");
    }

    @Test
    void onlyTemporaryAddressesAreNotPublished() throws Exception {
        List<String> privacyOnly = List.of(IF_INET6.get(0), IF_INET6.get(2), IF_INET6.get(4));
        HostIpv6.Lan lan = HostIpv6.choose(HostIpv6.parseIfInet6(privacyOnly), HostIpv6.parseIpv6Route(IPV6_ROUTE),
                Optional.empty(), Optional.empty());
        assertEquals(Optional.empty(), lan.served());
        assertTrue(lan.problem().startsWith("only temporary (privacy) IPv6 addresses on eth0"), lan.problem());
        // with hostId6 the temporary address still tells the prefix
        HostIpv6.Lan withId = HostIpv6.choose(HostIpv6.parseIfInet6(privacyOnly), HostIpv6.parseIpv6Route(IPV6_ROUTE),
                Optional.empty(), InterfaceId.parse("::10"));
        assertEquals(Optional.of(ip("2a01:4f8:c0ff:ee00::10")), withId.served());
    }

    @Test
    void theConfiguredInterfaceWins() throws Exception {
        HostIpv6.Lan lan = HostIpv6.choose(HostIpv6.parseIfInet6(IF_INET6), HostIpv6.parseIpv6Route(IPV6_ROUTE),
                Optional.of("wg0"), Optional.empty());
        assertEquals(Optional.of(ip("2a01:4f8:c0ff:ee77::2")), lan.served());
        assertEquals(Optional.of(ip("2a01:4f8:c0ff:ee77::1")), lan.router());
        HostIpv6.Lan none = HostIpv6.choose(List.of(), List.of(), Optional.empty(), Optional.empty());
        assertEquals(Optional.empty(), none.served());
        assertEquals("this host has no global IPv6 address and no IPv6 default route", none.problem());
    }

    @Property(tries = 1000)
    void anyProcContentIsReadWithoutAnException(@ForAll List<String> lines, @ForAll boolean mutateRecorded,
                                                @ForAll int at) {
        List<String> input = lines;
        if (mutateRecorded && !lines.isEmpty()) {
            java.util.ArrayList<String> mixed = new java.util.ArrayList<>(IF_INET6);
            mixed.addAll(IPV6_ROUTE);
            mixed.set(Math.floorMod(at, mixed.size()), lines.get(0));
            input = mixed;
        }
        HostIpv6.Lan lan = HostIpv6.choose(HostIpv6.parseIfInet6(input), HostIpv6.parseIpv6Route(input),
                Optional.empty(), Optional.empty());
        lan.served().ifPresent(a -> assertTrue(dev.wanagent.ddns.PublicAddress.whyNotPublic(a).isEmpty(), a.toString()));
    }
}
