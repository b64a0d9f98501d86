package dev.wanagent.upnp;

import dev.wanagent.config.IpLiteral;
import org.junit.jupiter.api.Test;

import java.net.Inet4Address;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import static dev.wanagent.upnp.DefaultGateway.Kind.PHYSICAL;
import static dev.wanagent.upnp.DefaultGateway.Kind.TUNNEL;
import static dev.wanagent.upnp.DefaultGateway.Kind.VIRTUAL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Windows route print, English, German and French; multi-homed hosts with VPN and Hyper-V adapters. */
class WindowsRoutesTest {
    private static final WindowsRoutes.Adapter TAP = new WindowsRoutes.Adapter("eth5", "TAP-Windows Adapter V9", false);
    private static final WindowsRoutes.Adapter HYPER_V =
            new WindowsRoutes.Adapter("eth7", "Hyper-V Virtual Ethernet Adapter", false);

    static Inet4Address ip(String s) {
        return IpLiteral.ipv4(s).orElseThrow();
    }

    private static Function<Inet4Address, Optional<WindowsRoutes.Adapter>> adapters(Object... addressThenAdapter) {
        Map<Inet4Address, WindowsRoutes.Adapter> m = new HashMap<>();
        for (int i = 0; i < addressThenAdapter.length; i += 2) {
            m.put(ip((String) addressThenAdapter[i]), (WindowsRoutes.Adapter) addressThenAdapter[i + 1]);
        }
        return a -> Optional.ofNullable(m.get(a));
    }

    private static final Function<Inet4Address, Optional<WindowsRoutes.Adapter>> EN = adapters(
            "192.168.1.100", new WindowsRoutes.Adapter("eth2", "Intel(R) Ethernet Connection (7) I219-V", false),
            "192.168.1.101", new WindowsRoutes.Adapter("wlan1", "Intel(R) Wi-Fi 6 AX201 160MHz", false),
            "10.8.0.6", TAP,
            "172.25.48.1", HYPER_V);

    private static DefaultGateway.Found choose(String output, Function<Inet4Address, Optional<WindowsRoutes.Adapter>> a,
                                               Optional<String> nic) {
        return WindowsRoutes.choose(WindowsRoutes.defaultRoutes(output), a, nic);
    }

    private static String gateway(DefaultGateway.Found f) {
        return f.gateway().orElseThrow(() -> new AssertionError("no gateway: " + f.explanation())).getHostAddress();
    }

    @Test
    void englishReadsTheActiveDefaultRoutesOnly() {
        List<WindowsRoutes.Route> routes = WindowsRoutes.defaultRoutes(RouteOutputs.text("windows-en-tap-hyperv.txt"));
        assertEquals(List.of(
                new WindowsRoutes.Route(Optional.of(ip("10.8.0.1")), ip("10.8.0.6"), 3),
                new WindowsRoutes.Route(Optional.of(ip("192.168.1.1")), ip("192.168.1.100"), 25),
                new WindowsRoutes.Route(Optional.of(ip("192.168.1.1")), ip("192.168.1.101"), 35)), routes,
                "the persistent 0.0.0.0 -> 192.168.50.1 'Default' row is no active route");
    }

    @Test
    void aTapVpnWithALowerMetricDoesNotWinOverTheLan() {
        DefaultGateway.Found f = choose(RouteOutputs.text("windows-en-tap-hyperv.txt"), EN, Optional.empty());
        assertEquals("192.168.1.1", gateway(f));
        assertTrue(f.explanation().startsWith("route print: 192.168.1.1 on 192.168.1.100 (Intel(R) Ethernet"
                + " Connection (7) I219-V), metric 25, physical"), f.explanation());
        assertTrue(f.explanation().contains("10.8.0.1 on 10.8.0.6 (TAP-Windows Adapter V9), metric 3, tunnel"),
                f.explanation());
    }

    @Test
    void multiHomedTheLowerMetricOfTwoPhysicalAdaptersWinsAndTheInterfaceCanBeChosen() {
        String out = RouteOutputs.text("windows-en-tap-hyperv.txt");
        DefaultGateway.Found wifi = choose(out, EN, Optional.of("192.168.1.101"));
        assertEquals("192.168.1.1", gateway(wifi));
        assertTrue(wifi.explanation().contains("on 192.168.1.101 (Intel(R) Wi-Fi 6"), wifi.explanation());
        assertEquals("10.8.0.1", gateway(choose(out, EN, Optional.of("10.8.0.6"))), "an explicit choice is honoured");
        assertEquals("10.8.0.1", gateway(choose(out, EN, Optional.of("tap-windows adapter v9"))), "by description");
        assertEquals("192.168.1.1", gateway(choose(out, EN, Optional.of("wlan1"))), "by Java's adapter name");
        DefaultGateway.Found none = choose(out, EN, Optional.of("172.25.48.1"));
        assertTrue(none.gateway().isEmpty());
        assertTrue(none.explanation().startsWith("route print lists no 0.0.0.0/0 route with a router address on"
                + " interface 172.25.48.1; listed: 10.8.0.1 on 10.8.0.6"), none.explanation());
    }

    @Test
    void germanSplitVpnRoutesAreNotDefaultRoutes() {
        for (String text : new String[] {RouteOutputs.text("windows-de-split-vpn.txt"),
                RouteOutputs.asWindowsPipeDelivers("windows-de-split-vpn.txt", "IBM850")}) {
            assertEquals(List.of(new WindowsRoutes.Route(Optional.of(ip("192.168.178.1")), ip("192.168.178.24"), 25)),
                    WindowsRoutes.defaultRoutes(text), "0.0.0.0/128.0.0.0 and 128.0.0.0/128.0.0.0 are no default"
                            + " routes; 'Auf Verbindung' rows and the persistent 'Standard' row are skipped");
            DefaultGateway.Found f = choose(text, adapters("192.168.178.24",
                    new WindowsRoutes.Adapter("eth1", "Realtek PCIe GbE Family Controller", false),
                    "10.8.0.6", TAP, "172.21.160.1", HYPER_V), Optional.empty());
            assertEquals("192.168.178.1", gateway(f));
        }
    }

    @Test
    void frenchWireGuardOnLinkFullTunnelIsPassedOverAndEthernetBeatsWifi() {
        for (String text : new String[] {RouteOutputs.text("windows-fr-wintun.txt"),
                RouteOutputs.asWindowsPipeDelivers("windows-fr-wintun.txt", "IBM850")}) {
            List<WindowsRoutes.Route> routes = WindowsRoutes.defaultRoutes(text);
            assertEquals(List.of(
                    new WindowsRoutes.Route(Optional.empty(), ip("10.66.0.2"), 5),
                    new WindowsRoutes.Route(Optional.of(ip("192.168.1.254")), ip("192.168.1.47"), 50),
                    new WindowsRoutes.Route(Optional.of(ip("192.168.1.254")), ip("192.168.1.31"), 25)), routes,
                    "the persistent 'Par défaut' row (two words, no number) is skipped");
            Function<Inet4Address, Optional<WindowsRoutes.Adapter>> fr = adapters(
                    "192.168.1.31", new WindowsRoutes.Adapter("eth0", "Intel(R) Ethernet Connection (4) I219-LM", false),
                    "192.168.1.47", new WindowsRoutes.Adapter("wlan0", "Intel(R) Wireless-AC 9560 160MHz", false),
                    "10.66.0.2", new WindowsRoutes.Adapter("net3", "WireGuard Tunnel", false));
            DefaultGateway.Found f = choose(text, fr, Optional.empty());
            assertEquals("192.168.1.254", gateway(f));
            assertTrue(f.explanation().contains("on 192.168.1.31"), f.explanation());
            assertTrue(f.explanation().contains("On-link on 10.66.0.2 (WireGuard Tunnel), metric 5, tunnel"),
                    f.explanation());
        }
    }

    @Test
    void aHyperVExternalSwitchCarriesTheLanAndStillBeatsAVpn() {
        DefaultGateway.Found f = choose(RouteOutputs.text("windows-en-hyperv-external.txt"), adapters(
                "192.168.0.20", new WindowsRoutes.Adapter("eth4", "Hyper-V Virtual Ethernet Adapter #2", false),
                "10.8.0.6", TAP), Optional.empty());
        assertEquals("192.168.0.1", gateway(f), "virtual switch before tunnel, whatever the metric");
        assertTrue(f.explanation().contains("metric 15, virtual"), f.explanation());
    }

    @Test
    void onlyAnOnLinkPppDefaultRouteGivesNoGatewayAndSaysWhy() {
        DefaultGateway.Found f = choose(RouteOutputs.text("windows-en-ppp-only.txt"),
                adapters("10.10.0.23", new WindowsRoutes.Adapter("ppp0", "Work VPN", true)), Optional.empty());
        assertTrue(f.gateway().isEmpty());
        assertEquals("route print lists only On-link 0.0.0.0/0 routes (no router address); listed: On-link on"
                + " 10.10.0.23 (Work VPN), metric 26, tunnel", f.explanation());
    }

    @Test
    void noDefaultRouteAtAll() {
        String out = String.join("\r\n", "===========================================================================",
                "IPv4 Route Table", "===========================================================================",
                "Active Routes:", "  None", "===========================================================================",
                "Persistent Routes:", "  None", "");
        DefaultGateway.Found f = choose(out, EN, Optional.empty());
        assertTrue(f.gateway().isEmpty());
        assertEquals("route print lists no active 0.0.0.0/0 route", f.explanation());
    }

    @Test
    void adaptersJavaCannotPlaceCountAsPhysical() {
        String out = RouteOutputs.text("windows-en-tap-hyperv.txt");
        assertEquals("192.168.1.1", gateway(choose(out, adapters("10.8.0.6", TAP), Optional.empty())),
                "the LAN adapter unknown, the TAP known: the LAN still wins");
        assertEquals("192.168.1.1", gateway(choose(out, a -> {
            throw new IllegalStateException("lookup failed");
        }, Optional.of("192.168.1.100"))), "a failing lookup is no failure; matching by address still works");
        // Without any adapter knowledge only the metric is left: the TAP's 3 wins. Documented limitation.
        assertEquals("10.8.0.1", gateway(choose(out, a -> Optional.empty(), Optional.empty())));
    }

    @Test
    void adapterKinds() {
        for (String d : new String[] {"Intel(R) Ethernet Connection (7) I219-V", "Realtek PCIe GbE Family Controller",
                "Intel(R) Wi-Fi 6 AX201 160MHz", "Killer E2600 Gigabit Ethernet Controller",
                "Microsoft Hyper-V Network Adapter", "vmxnet3 Ethernet Adapter", "Red Hat VirtIO Ethernet Adapter",
                "Remote NDIS based Internet Sharing Device", "Microsoft Network Adapter Multiplexor Driver"}) {
            assertEquals(PHYSICAL, WindowsRoutes.kind(Optional.of(new WindowsRoutes.Adapter("eth0", d, false))), d);
        }
        for (String d : new String[] {"Hyper-V Virtual Ethernet Adapter", "Hyper-V Virtual Ethernet Adapter #3",
                "VMware Virtual Ethernet Adapter for VMnet8", "VirtualBox Host-Only Ethernet Adapter",
                "Npcap Loopback Adapter", "MAC Bridge Miniport"}) {
            assertEquals(VIRTUAL, WindowsRoutes.kind(Optional.of(new WindowsRoutes.Adapter("eth0", d, false))), d);
        }
        for (String d : new String[] {"TAP-Windows Adapter V9", "TAP-ProtonVPN Windows Adapter V9",
                "Wintun Userspace Tunnel", "WireGuard Tunnel", "Tailscale Tunnel", "ZeroTier Virtual Port",
                "Fortinet SSL VPN Virtual Ethernet Adapter", "PANGP Virtual Ethernet Adapter",
                "Cisco AnyConnect Secure Mobility Client Virtual Miniport Adapter for Windows x64",
                "WAN Miniport (IKEv2)", "NordLynx Tunnel", "OpenVPN Data Channel Offload",
                "Microsoft Teredo Tunneling Adapter"}) {
            assertEquals(TUNNEL, WindowsRoutes.kind(Optional.of(new WindowsRoutes.Adapter("eth0", d, false))), d);
        }
        assertEquals(TUNNEL, WindowsRoutes.kind(Optional.of(new WindowsRoutes.Adapter("ppp0", "Work", false))));
        assertEquals(TUNNEL, WindowsRoutes.kind(Optional.of(new WindowsRoutes.Adapter("net4", "Work", true))));
        assertEquals(PHYSICAL, WindowsRoutes.kind(Optional.empty()));
        assertEquals(PHYSICAL, WindowsRoutes.kind(Optional.of(new WindowsRoutes.Adapter(null, null, false))));
    }

    @Test
    void rowsOfOtherShapesAreNotDefaultRoutes() {
        String out = String.join("\r\n",
                "          0.0.0.0          0.0.0.0      192.168.1.1    192.168.1.100",       // no metric
                "          0.0.0.0          0.0.0.0      192.168.1.1    192.168.1.100    -5",  // no number
                "          0.0.0.0          0.0.0.0      192.168.1.1    192.168.1.100  1e3",
                "          0.0.0.0          0.0.0.0      192.168.1.1    192.168.1.100  9999999999",
                "          0.0.0.0          0.0.0.0      192.168.1.1   192.168.1.0100    25",  // leading zero
                "          0.0.0.0          0.0.0.0     192.168.1.1.5   192.168.1.100    25",
                "          0.0.0.0          0.0.0.0         1.2.3   192.168.1.100    25",
                "          0.0.0.0          0.0.0.0      192.168.1.1    fe80::1    25",
                "          0.0.0.0          0.0.0.0  a b c d e   192.168.1.100    25",     // too many words
                "          0.0.0.0        0.0.0.0/0      192.168.1.1    192.168.1.100    25",
                "  0.0.0.0/0  192.168.1.1  192.168.1.100  25",
                " 11    281 ::/0                     fe80::1",                              // the IPv6 table
                "          0.0.0.0          0.0.0.0      192.168.1.1  Default",
                "");
        assertEquals(List.of(), WindowsRoutes.defaultRoutes(out));
        assertEquals(List.of(new WindowsRoutes.Route(Optional.of(ip("192.168.1.1")), ip("192.168.1.100"), 25)),
                WindowsRoutes.defaultRoutes("\t0.0.0.0\t0.0.0.0\t192.168.1.1\t192.168.1.100\t25\r"),
                "any whitespace and a lone CR separate");
    }
}
