package dev.wanagent.config;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** IPv6 done right: hostId6, a provider's ipv6Source, router.upnp.pinholes. */
class Ipv6ConfigTest {
    private static AgentConfig parse(String yaml) throws ConfigException {
        return new ConfigLoader(Map.<String, String>of()::get).parse(yaml, "c.yaml");
    }

    private static final String PROVIDER = """
            providers:
              - type: duckdns
                token: a7c4d0ad-114e-40ef-ba1d-d217904a50f2
                hostnames: [cam.duckdns.org]
                ipv6: true
            """;

    @Test
    void defaultsAreTheHostsOwnAddressAndPinholesOn() throws Exception {
        AgentConfig c = parse(PROVIDER);
        assertEquals(Optional.empty(), c.hostId6());
        assertEquals(Ipv6Source.HOST, c.providers().get(0).common().ipv6Source());
        assertTrue(c.router().upnp().pinholes());
    }

    @Test
    void readsEveryKey() throws Exception {
        AgentConfig c = parse("hostId6: mac(52:54:00:12:34:56)\nrouter:\n  upnp: {pinholes: false}\n"
                + PROVIDER + "    ipv6Source: router\n");
        assertEquals(InterfaceId.parse("::5054:ff:fe12:3456"), c.hostId6());
        assertEquals(Ipv6Source.ROUTER, c.providers().get(0).common().ipv6Source());
        assertFalse(c.router().upnp().pinholes());
    }

    @Test
    void badValuesNameTheirKeys() {
        ConfigException e = assertThrows(ConfigException.class, () -> parse("hostId6: 2a00:1::5\n"
                + PROVIDER + "    ipv6Source: wan\n"));
        assertTrue(e.getMessage().contains("hostId6") && e.getMessage().contains("interface identifier"), e.getMessage());
        assertTrue(e.getMessage().contains("ipv6Source") && e.getMessage().contains("host (the served host"),
                e.getMessage());
    }

    @Test
    void interfaceIdForms() throws Exception {
        // RFC 4291 appendix A: 00:00:5e:10:20:30 -> 0200:5eff:fe10:2030 (the U/L bit inverted, ff:fe inserted)
        assertEquals(0x02005efffe102030L, InterfaceId.parse("mac(00:00:5E:10:20:30)").orElseThrow().bits());
        assertEquals(0x02005efffe102030L, InterfaceId.parse(" mac(00-00-5e-10-20-30) ").orElseThrow().bits());
        assertEquals(0x1234L, InterfaceId.parse("::1234").orElseThrow().bits());
        assertEquals("::200:5eff:fe10:2030", InterfaceId.parse("::200:5eff:fe10:2030").orElseThrow().toString());
        for (String bad : new String[]{"", "::", "::0", "1::5", "mac(00:00:5e:10:20)", "mac(00:00:5e:10:20:30:40)",
                "::1.2.3.4x", "mac(zz:00:5e:10:20:30)", "::ffff:ffff:ffff:ffff:1", "fe80::1"}) {
            assertEquals(Optional.empty(), InterfaceId.parse(bad), bad);
        }
        Inet6Address prefix = (Inet6Address) InetAddress.getByName("2a00:77:77:5:aaaa:bbbb:cccc:dddd");
        assertEquals(InetAddress.getByName("2a00:77:77:5:200:5eff:fe10:2030"),
                InterfaceId.parse("mac(00:00:5e:10:20:30)").orElseThrow().in(prefix));
    }

    @Test
    void addressesAreWrittenInRfc5952Form() throws Exception {
        String[][] cases = {{"2a00:77:77:0:0:0:0:100", "2a00:77:77::100"}, {"2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"},
                {"2001:0:0:1:0:0:0:1", "2001:0:0:1::1"}, {"0:0:0:0:0:0:0:1", "::1"}, {"0:0:0:0:0:0:0:0", "::"},
                {"2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"}, {"fe80:0:0:0:0:0:0:1", "fe80::1"},
                {"1:0:0:0:0:0:0:0", "1::"}, {"2001:DB8::ABCD", "2001:db8::abcd"}, {"11.22.33.44", "11.22.33.44"}};
        for (String[] c : cases) assertEquals(c[1], IpLiteral.text(IpLiteral.parse(c[0]).orElseThrow()), c[0]);
    }

    @Property(tries = 2000)
    void canonicalTextParsesBackToTheSameAddress(@ForAll byte[] raw) throws Exception {
        if (raw.length != 16) return;
        InetAddress a = InetAddress.getByAddress(raw);
        String t = IpLiteral.text(a);
        assertEquals(a, IpLiteral.parse(t).orElseThrow(), t);
        assertFalse(t.contains(":::") || t.indexOf("::") != t.lastIndexOf("::"), t);
    }

    @Property(tries = 2000)
    void anyTextIsAnIdentifierOrEmptyNeverAnException(@ForAll String text) {
        Optional<InterfaceId> id = InterfaceId.parse(text);
        id.ifPresent(i -> assertEquals(i, InterfaceId.parse(i.toString()).orElseThrow()));
    }

    @Property(tries = 500)
    void everyIdentifierRoundTrips(@ForAll long bits) {
        if (bits == 0) return;
        InterfaceId id = new InterfaceId(bits);
        assertEquals(id, InterfaceId.parse(id.toString()).orElseThrow());
    }
}
