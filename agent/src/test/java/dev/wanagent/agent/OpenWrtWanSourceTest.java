package dev.wanagent.agent;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wanagent.config.IpLiteral;
import dev.wanagent.config.OpenWrtConfig;
import dev.wanagent.config.Secret;
import dev.wanagent.openwrt.FakeUbus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The OpenWrt source against the fake router: IPv4 from interface, global IPv6 from interface6, failures named. */
class OpenWrtWanSourceTest {
    private static final String PASSWORD = "pw-S3cret!";
    private FakeUbus router;

    @BeforeEach
    void start() throws Exception {
        router = FakeUbus.start("wan-agent", PASSWORD);
    }

    @AfterEach
    void stop() {
        router.close();
    }

    private OpenWrtConfig config(String iface, String iface6) {
        return new OpenWrtConfig(true, Optional.of(URI.create(router.url().toString())), "wan-agent",
                new Secret(PASSWORD), iface, iface6, false);
    }

    private OpenWrtWanSource source() {
        return new OpenWrtWanSource(config("wan", "wan6"));
    }

    private static InetAddress ip(String literal) {
        return IpLiteral.parse(literal).orElseThrow();
    }

    @Test
    void readsIpv4FromWanAndAGlobalIpv6FromWan6() throws Exception {
        OpenWrtWanSource s = source();
        assertEquals("openwrt", s.name());
        WanAddress a = s.readWanAddress();
        assertEquals(new WanAddress(ip("203.0.113.7"), Optional.of(ip("2001:db8:0:1::2"))), a);
        s.readWanAddress();
        assertEquals(1, router.logins(), "one session for every read");
    }

    @Test
    void aDownInterfaceIsAFailedReadThatSaysSo() {
        router.setInterface("wan", FakeUbus.down("pppoe"));
        IOException e = assertThrows(IOException.class, () -> source().readWanAddress());
        assertEquals("OpenWrt interface wan is down (no WAN address yet)", e.getMessage());
    }

    @Test
    void anInterfaceUpWithoutAnIpv4AddressIsAFailedReadToo() {
        router.setInterface("wan", FakeUbus.upDhcpv6("2001:db8::7", "2001:db8:100::", 56));
        IOException e = assertThrows(IOException.class, () -> source().readWanAddress());
        assertEquals("OpenWrt interface wan is up but has no IPv4 address yet", e.getMessage());
    }

    @Test
    void noWan6OrAWan6WithoutAGlobalAddressMeansIpv4Only() throws Exception {
        OpenWrtWanSource s = source();
        router.removeInterface("wan6");
        assertEquals(WanAddress.ipv4Only(ip("203.0.113.7")), s.readWanAddress());
        router.setInterface("wan6", FakeUbus.upDhcpv6("fd00::2", "fd00:1::", 48));
        assertEquals(WanAddress.ipv4Only(ip("203.0.113.7")), s.readWanAddress(), "a ULA is not published");
        router.setInterface("wan6", FakeUbus.down("dhcpv6"));
        assertEquals(WanAddress.ipv4Only(ip("203.0.113.7")), s.readWanAddress());
    }

    @Test
    void oneInterfaceForBothFamiliesIsReadOnce() throws Exception {
        ObjectNode both = FakeUbus.upPppoe("203.0.113.9");
        both.set("ipv6-address", FakeUbus.upDhcpv6("2001:db8::9", "2001:db8:200::", 56).get("ipv6-address"));
        router.setInterface("wan", both);
        OpenWrtWanSource s = new OpenWrtWanSource(config("wan", "wan"));
        assertEquals(new WanAddress(ip("203.0.113.9"), Optional.of(ip("2001:db8::9"))), s.readWanAddress());
        assertEquals(1, router.calls());
    }

    @Test
    void aWrongPasswordNamesTheUserAndNeverShowsThePassword() {
        OpenWrtConfig c = config("wan", "wan6");
        OpenWrtWanSource s = new OpenWrtWanSource(new OpenWrtConfig(true, c.url(), "wan-agent",
                new Secret("wrong-" + PASSWORD), "wan", "wan6", false));
        IOException e = assertThrows(IOException.class, s::readWanAddress);
        assertTrue(e.getMessage().contains("refused the login of user 'wan-agent'"), e.getMessage());
        assertFalse(e.getMessage().contains(PASSWORD), e.getMessage());
    }

    @Test
    void anExpiredSessionIsRenewedWithoutAFailedRead() throws Exception {
        OpenWrtWanSource s = source();
        s.readWanAddress();
        router.expireSessions();
        assertEquals(ip("203.0.113.7"), s.readWanAddress().ipv4());
        assertEquals(2, router.logins());
    }

    @Test
    void describeShowsBothInterfaces() throws Exception {
        String d = source().describe();
        assertEquals("ubus at " + router.url() + " as user wan-agent, interface wan up (pppoe-wan): 203.0.113.7,"
                + " interface6 wan6 up (pppoe-wan): 2001:db8:0:1:0:0:0:2, prefix 2001:db8:100:0:0:0:0:0/56", d);
        router.removeInterface("wan6");
        router.setInterface("wan", FakeUbus.down("pppoe"));
        assertTrue(source().describe().endsWith("interface wan down, interface6 wan6 unreadable (OpenWrt at "
                + router.url() + " has no ubus object network.interface.wan6 (no interface wan6; 'ubus list"
                + " network.interface.*' on the router lists them))"), source().describe());
    }

    @Test
    void withoutAUrlTheDefaultGatewayIsAsked() throws Exception {
        OpenWrtConfig noUrl = new OpenWrtConfig(true, Optional.empty(), "wan-agent", new Secret(PASSWORD), "wan",
                "wan6", false);
        assertEquals("http://192.168.1.1/ubus",
                new OpenWrtWanSource(noUrl, () -> Optional.of(ip("192.168.1.1"))).url().toString());
        IOException none = assertThrows(IOException.class,
                () -> new OpenWrtWanSource(noUrl, Optional::empty).readWanAddress());
        assertEquals("no default gateway to find OpenWrt at (http://<default gateway>/ubus): set router.openwrt.url",
                none.getMessage());
        IOException publicGateway = assertThrows(IOException.class,
                () -> new OpenWrtWanSource(noUrl, () -> Optional.of(ip("203.0.113.1"))).url());
        assertTrue(publicGateway.getMessage().startsWith("the default gateway 203.0.113.1 is not a private address"),
                publicGateway.getMessage());
        OpenWrtConfig allowed = new OpenWrtConfig(true, Optional.empty(), "wan-agent", new Secret(PASSWORD), "wan",
                "wan6", true);
        assertEquals("http://203.0.113.1/ubus",
                new OpenWrtWanSource(allowed, () -> Optional.of(ip("203.0.113.1"))).url().toString());
    }

    @Test
    void onlyGlobalUnicastIpv6IsPublished() throws Exception {
        for (String global : new String[]{"2001:db8::1", "2a00:1450::1", "3fff::1"}) {
            assertTrue(OpenWrtWanSource.global(ip(global)), global);
        }
        for (String other : new String[]{"fe80::1", "fd00::1", "::1", "ff02::1", "::", "203.0.113.7"}) {
            assertFalse(OpenWrtWanSource.global(ip(other)), other);
        }
    }
}
