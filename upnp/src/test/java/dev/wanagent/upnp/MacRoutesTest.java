package dev.wanagent.upnp;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static dev.wanagent.upnp.WindowsRoutesTest.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** macOS route -n get default and netstat -rn -f inet: Wi-Fi, a utun VPN owning the default route, old layouts. */
class MacRoutesTest {
    private static final Optional<MacRoutes.Route> EN0 =
            Optional.of(new MacRoutes.Route(ip("192.168.1.1"), "en0", false));

    private static String gateway(DefaultGateway.Found f) {
        return f.gateway().orElseThrow(() -> new AssertionError("no gateway: " + f.explanation())).getHostAddress();
    }

    @Test
    void wifiOnEn0IsEnoughWithoutNetstat() {
        Optional<MacRoutes.Route> r = MacRoutes.defaultGateway(RouteOutputs.text("mac-route-get-en0.txt"));
        assertEquals(EN0, r);
        assertTrue(MacRoutes.enough(r, Optional.empty()));
        assertTrue(MacRoutes.enough(r, Optional.of("en0")));
        assertFalse(MacRoutes.enough(r, Optional.of("en7")), "another interface asked for: netstat must tell");
        DefaultGateway.Found f = MacRoutes.choose(r, List.of(), Optional.empty());
        assertEquals("192.168.1.1", gateway(f));
        assertEquals("192.168.1.1 on en0 (physical, route get)", f.explanation());
    }

    @Test
    void aUtunVpnOwningTheDefaultRouteDoesNotHideTheLanRouteBehindIt() {
        Optional<MacRoutes.Route> r = MacRoutes.defaultGateway(RouteOutputs.text("mac-route-get-utun.txt"));
        assertEquals(Optional.of(new MacRoutes.Route(ip("10.64.0.1"), "utun4", false)), r);
        assertFalse(MacRoutes.enough(r, Optional.empty()));
        List<MacRoutes.Route> rows = MacRoutes.defaultGateways(RouteOutputs.text("mac-netstat-utun.txt"));
        assertEquals(List.of(
                new MacRoutes.Route(ip("10.64.0.1"), "utun4", false),
                new MacRoutes.Route(ip("192.168.1.1"), "en0", true),
                new MacRoutes.Route(ip("192.168.8.1"), "en7", true)), rows,
                "link#22 is no gateway address; 0/1 is no default route; the Internet6 section is not read");
        DefaultGateway.Found f = MacRoutes.choose(r, rows, Optional.empty());
        assertEquals("192.168.1.1", gateway(f), "en0 listed before en7");
        assertEquals("192.168.1.1 on en0 (physical, netstat, interface-scoped); passed over: 10.64.0.1 on utun4"
                + " (tunnel, route get); 192.168.8.1 on en7 (physical, netstat, interface-scoped)", f.explanation());
    }

    @Test
    void theInterfaceCanBeChosenByName() {
        Optional<MacRoutes.Route> r = MacRoutes.defaultGateway(RouteOutputs.text("mac-route-get-utun.txt"));
        List<MacRoutes.Route> rows = MacRoutes.defaultGateways(RouteOutputs.text("mac-netstat-utun.txt"));
        assertEquals("192.168.8.1", gateway(MacRoutes.choose(r, rows, Optional.of("en7"))));
        assertEquals("10.64.0.1", gateway(MacRoutes.choose(r, rows, Optional.of("utun4"))),
                "an explicit choice is honoured");
        DefaultGateway.Found none = MacRoutes.choose(r, rows, Optional.of("en9"));
        assertTrue(none.gateway().isEmpty());
        assertTrue(none.explanation().startsWith("no default route with an IPv4 gateway on interface en9; listed: "
                + "10.64.0.1 on utun4"), none.explanation());
    }

    @Test
    void theSplitRouteHalfThatRouteGetFindsIsNoDefaultRoute() {
        assertEquals(Optional.empty(), MacRoutes.defaultGateway(RouteOutputs.text("mac-route-get-split.txt")),
                "mask 128.0.0.0: OpenVPN's 0/1 half");
        DefaultGateway.Found f = MacRoutes.choose(Optional.empty(),
                MacRoutes.defaultGateways(RouteOutputs.text("mac-netstat-utun.txt")), Optional.empty());
        assertEquals("192.168.1.1", gateway(f));
    }

    @Test
    void catalinaLayoutWithRefsAndUseColumns() {
        List<MacRoutes.Route> rows = MacRoutes.defaultGateways(RouteOutputs.text("mac-netstat-catalina.txt"));
        assertEquals(List.of(new MacRoutes.Route(ip("192.168.0.1"), "en0", false),
                new MacRoutes.Route(ip("192.168.0.1"), "en1", true)), rows);
        assertEquals("192.168.0.1", gateway(MacRoutes.choose(Optional.empty(), rows, Optional.of("en1"))));
        String noHeading = RouteOutputs.text("mac-netstat-catalina.txt").replace("Destination", "Ziel");
        assertEquals(rows, MacRoutes.defaultGateways(noHeading), "without the heading: the first word no number");
    }

    @Test
    void onlyAVpnHasADefaultRoute() {
        Optional<MacRoutes.Route> r = MacRoutes.defaultGateway(RouteOutputs.text("mac-route-get-utun.txt"));
        DefaultGateway.Found f = MacRoutes.choose(r, List.of(new MacRoutes.Route(ip("10.64.0.1"), "utun4", false)),
                Optional.empty());
        assertEquals("10.64.0.1", gateway(f), "the only default route, though a tunnel");
    }

    @Test
    void noDefaultRoute() {
        for (String routeGet : new String[] {"", "   route to: default\n",
                "route: writing to routing socket: not in table\n"}) {
            assertEquals(Optional.empty(), MacRoutes.defaultGateway(routeGet));
        }
        String netstat = String.join("\n", "Routing tables", "", "Internet:",
                "Destination        Gateway            Flags               Netif Expire",
                "127                127.0.0.1          UCS                   lo0", "");
        assertEquals(List.of(), MacRoutes.defaultGateways(netstat));
        DefaultGateway.Found f = MacRoutes.choose(Optional.empty(), List.of(), Optional.empty());
        assertTrue(f.gateway().isEmpty());
        assertEquals("neither route -n get default nor netstat -rn shows a default route with an IPv4 gateway",
                f.explanation());
    }

    @Test
    void routeGetOddities() {
        String base = RouteOutputs.text("mac-route-get-en0.txt");
        assertEquals(Optional.empty(), MacRoutes.defaultGateway(base.replace("192.168.1.1", "link#6")));
        assertEquals(Optional.empty(), MacRoutes.defaultGateway(base.replace("interface: en0", "interface: ")));
        assertEquals(Optional.empty(), MacRoutes.defaultGateway(base.replace("en0", "en0\u0000evil")));
        assertEquals(Optional.empty(), MacRoutes.defaultGateway(base.replace("destination: default",
                "destination: 192.168.1.0")));
        assertEquals(Optional.empty(), MacRoutes.defaultGateway(base.replace("       mask: default\n", "")),
                "no mask line: not shown to be the default route");
        assertEquals(EN0, MacRoutes.defaultGateway(base.replace("\n", "\r\n")));
        assertEquals(EN0, MacRoutes.defaultGateway(base + "    gateway: 6.6.6.6\n"), "the first gateway line counts");
    }

    @Test
    void interfaceKinds() {
        for (String n : new String[] {"en0", "en7", "en12"}) assertEquals(DefaultGateway.Kind.PHYSICAL, MacRoutes.kind(n));
        for (String n : new String[] {"utun0", "utun4", "ipsec0", "ppp0", "tun0", "tap1", "gif0", "stf0"}) {
            assertEquals(DefaultGateway.Kind.TUNNEL, MacRoutes.kind(n), n);
        }
        for (String n : new String[] {"bridge100", "vmenet0", "awdl0", "llw0", "lo0", "anpi0", "feth1", "enx"}) {
            assertEquals(DefaultGateway.Kind.VIRTUAL, MacRoutes.kind(n), n);
        }
    }
}
