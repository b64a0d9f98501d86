package dev.wanagent.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IpLiteralTest {
    private static String shown(Optional<? extends InetAddress> a) {
        return a.map(InetAddress::getHostAddress).orElse("-");
    }

    @ParameterizedTest
    @ValueSource(strings = {"11.22.33.44", "0.0.0.0", "255.255.255.255", "192.168.1.1", "1.0.10.100", "127.0.0.1"})
    void dottedQuads(String text) {
        assertEquals(text, shown(IpLiteral.parse(text)));
        assertEquals(text, shown(IpLiteral.ipv4(text)));
        assertEquals(text, shown(IpLiteral.parseHost(text)));
        assertInstanceOf(Inet4Address.class, IpLiteral.parse(text).orElseThrow());
    }

    @Test
    void ipv6() {
        assertEquals("0:0:0:0:0:0:0:1", shown(IpLiteral.parse("::1")));
        assertEquals("0:0:0:0:0:0:0:0", shown(IpLiteral.parse("::")));
        assertEquals("2001:db8:0:0:0:0:0:1", shown(IpLiteral.parse("2001:DB8::1")));
        assertEquals("2001:db8:0:0:0:0:0:1", shown(IpLiteral.parse("2001:0db8:0000:0000:0000:0000:0000:0001")));
        assertEquals("1:2:3:4:5:6:7:8", shown(IpLiteral.parse("1:2:3:4:5:6:7:8")));
        assertEquals("1:2:3:4:5:6:7:0", shown(IpLiteral.parse("1:2:3:4:5:6:7::")));
        assertEquals("0:1:2:3:4:5:6:7", shown(IpLiteral.parse("::1:2:3:4:5:6:7")));
        assertEquals("1:0:0:0:0:0:0:2", shown(IpLiteral.parse("1::2")));
        assertEquals("fe80:0:0:0:0:0:0:1", shown(IpLiteral.parse("fe80::1")));
        assertInstanceOf(Inet6Address.class, IpLiteral.parse("2001:db8::1").orElseThrow());
        assertTrue(IpLiteral.ipv4("::1").isEmpty(), "ipv4 takes dotted quads only");
    }

    @Test
    void ipv6WithADottedQuadInTheLast32Bits() {
        assertEquals("64:ff9b:0:0:0:0:102:304", shown(IpLiteral.parse("64:ff9b::1.2.3.4")));
        assertEquals("1:2:3:4:5:6:102:304", shown(IpLiteral.parse("1:2:3:4:5:6:1.2.3.4")));
        assertEquals("0:0:0:0:0:0:102:304", shown(IpLiteral.parse("::1.2.3.4")));
        assertEquals(IpLiteral.MAX_LENGTH, "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255".length());
        assertTrue(IpLiteral.parse("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255").isPresent());
        for (String s : new String[] {"1:2:3:4:5:6:7:1.2.3.4", "1:2:3:4:5:6::1.2.3.4", "::1.2.3.4:1", "::1.2.3",
                "::1.2.3.4.5", "::256.1.1.1", "::01.2.3.4", "1.2.3.4::", "::1.2.3.4.", "::.1.2.3.4"}) {
            assertTrue(IpLiteral.parse(s).isEmpty(), s);
        }
    }

    @Test
    void anIpv4MappedAddressIsThatIpv4Address() {
        // as InetAddress.getByName and dnsjava make it: the address a router or provider means
        InetAddress a = IpLiteral.parse("::ffff:1.2.3.4").orElseThrow();
        assertInstanceOf(Inet4Address.class, a);
        assertEquals("1.2.3.4", a.getHostAddress());
        assertEquals("1.2.3.4", shown(IpLiteral.parse("::FFFF:102:304")));
        assertTrue(IpLiteral.parse("::ffff:01.2.3.4").isEmpty(), "a leading zero in the dotted quad");
        assertTrue(IpLiteral.ipv4("::ffff:1.2.3.4").isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "router.local", "localhost", "example.com", "1.2.3", "1.2.3.4.5", "1", "1.2",
            "999.1.1.1", "256.1.1.1", "1.2.3.256", "1.2.3.-1", "+1.2.3.4", "1.2.3.4.", ".1.2.3.4", "1..2.3",
            "010.1.1.1", "1.2.3.04", "00.1.1.1", "1.2.3.00", "0x1.1.1.1", "0x7f000001", "2130706433", "1.2.3.4/24",
            " 1.2.3.4", "1.2.3.4 ", "1.2.3.4\n", "1.2.3.4\u0000", "\u00001.2.3.4", "1.2.3.4\r\n[main] INFO forged",
            "\u0661.\u0662.\u0663.\u0664", "\uff11.2.3.4", "1.2.3.4:", "1.2.3.4:80", "1.2.3.4%eth0",
            ".:", ".1:2", "..:", ".::1", "g::1", ":", ":::", "::::", "1:", ":1", ":1::", "1:::2", "1::2::3", "ffff:",
            "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8::", "::1:2:3:4:5:6:7:8", "00001::", "12345::1",
            "fe80::1%eth0", "fe80::1%1", "fe80::1%", "[::1]", "[1.2.3.4]", "::1 ", " ::1", "::1\t", "::g",
            "::ffff:1.2.3", "::ffff:999.1.1.1", "::\u0661", "\uff10::1", "1.2.3.4\u200b"})
    void hostileTextIsNoAddress(String text) {
        assertTrue(IpLiteral.parse(text).isEmpty(), text);
        assertTrue(IpLiteral.ipv4(text).isEmpty(), text);
    }

    @Test
    void bracketsOnlyAroundIpv6AndOnlyWhereAsked() {
        assertEquals("fe80:0:0:0:0:0:0:1", shown(IpLiteral.parseHost("[fe80::1]")));
        assertEquals("0:0:0:0:0:0:0:1", shown(IpLiteral.parseHost("[::1]")));
        assertEquals("0:0:0:0:0:0:0:1", shown(IpLiteral.parseHost("::1")));
        assertEquals("1.2.3.4", shown(IpLiteral.parseHost("[::ffff:1.2.3.4]")));
        for (String s : new String[] {"[1.2.3.4]", "[]", "[", "]", "[::1", "::1]", "[[::1]]", "[ ::1]", "[fe80::1%eth0]",
                "[router.local]", "[::1]:80", " [::1]"}) {
            assertTrue(IpLiteral.parseHost(s).isEmpty(), s);
        }
        assertTrue(IpLiteral.parse("[::1]").isEmpty());
    }

    @Test
    void nullAndVeryLongTextAreNoAddress() {
        assertTrue(IpLiteral.parse(null).isEmpty());
        assertTrue(IpLiteral.parseHost(null).isEmpty());
        assertTrue(IpLiteral.ipv4(null).isEmpty());
        String zeros = "0000:".repeat(200_000) + "1";
        assertTrue(IpLiteral.parse(zeros).isEmpty());
        assertTrue(IpLiteral.parse("1.2.3.4" + " ".repeat(1_000_000)).isEmpty());
        assertTrue(IpLiteral.parseHost("[" + ":".repeat(1_000_000) + "]").isEmpty());
        assertTrue(IpLiteral.ipv4("1".repeat(1_000_000)).isEmpty());
        // one character past the longest literal
        assertTrue(IpLiteral.parse("0ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255").isEmpty());
    }

    @Test
    void theBytesAreTheAddress() {
        assertArrayEquals(new byte[] {11, 22, 33, 44}, IpLiteral.ipv4("11.22.33.44").orElseThrow().getAddress());
        assertArrayEquals(new byte[] {0x20, 0x01, 0x0d, (byte) 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x12, 0x34},
                IpLiteral.parse("2001:db8::1234").orElseThrow().getAddress());
        assertArrayEquals(new byte[] {0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xab, (byte) 0xcd},
                IpLiteral.parse("1::abcd").orElseThrow().getAddress());
    }
}
