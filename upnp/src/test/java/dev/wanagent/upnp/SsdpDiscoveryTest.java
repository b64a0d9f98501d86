package dev.wanagent.upnp;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The checks on SSDP answers; the real SSDP exchange runs in the lab (never from the host's own interfaces). */
class SsdpDiscoveryTest {
    private static String answer(String location) {
        return "HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=120\r\nST: urn:schemas-upnp-org:device:InternetGatewayDevice:2\r\n"
                + "USN: uuid:x::urn:schemas-upnp-org:device:InternetGatewayDevice:2\r\nEXT:\r\n"
                + "SERVER: Debian/12 UPnP/1.1 MiniUPnPd/2.3.1\r\nLOCATION: " + location + "\r\n\r\n";
    }

    @Test
    void acceptsLocationOnTheResponderItself() throws Exception {
        InetAddress router = InetAddress.getByName("192.168.77.1");
        var r = SsdpDiscovery.accept(router, answer("http://192.168.77.1:5000/rootDesc.xml")).orElseThrow();
        assertEquals("http://192.168.77.1:5000/rootDesc.xml", r.location().toString());
        assertEquals("urn:schemas-upnp-org:device:InternetGatewayDevice:2", r.searchTarget());
    }

    @Test
    void refusesLocationsThatPointElsewhere() throws Exception {
        InetAddress rogue = InetAddress.getByName("192.168.77.66");
        assertTrue(SsdpDiscovery.accept(rogue, answer("http://192.168.77.1:5000/rootDesc.xml")).isEmpty(), "other LAN host");
        assertTrue(SsdpDiscovery.accept(rogue, answer("http://203.0.113.5/desc.xml")).isEmpty(), "internet host");
        assertTrue(SsdpDiscovery.accept(rogue, answer("file:///etc/passwd")).isEmpty(), "file:");
        assertTrue(SsdpDiscovery.accept(rogue, answer("https://192.168.77.66/desc.xml")).isEmpty(), "https");
        assertTrue(SsdpDiscovery.accept(rogue, answer("ftp://192.168.77.66/desc.xml")).isEmpty(), "ftp");
        assertTrue(SsdpDiscovery.accept(rogue, "NOTIFY * HTTP/1.1\r\nLOCATION: http://192.168.77.66/\r\n\r\n").isEmpty());
        assertTrue(SsdpDiscovery.accept(rogue, "garbage\u0000\u00ff").isEmpty());
        assertTrue(SsdpDiscovery.accept(InetAddress.getByName("8.8.8.8"), answer("http://8.8.8.8/d.xml")).isEmpty(),
                "public responder");
    }

    @Test
    void keepsTheBootIdOfTheAnswer() throws Exception {
        InetAddress router = InetAddress.getByName("192.168.77.1");
        String location = "http://192.168.77.1:5000/rootDesc.xml";
        assertEquals(Optional.of("1795573911"), SsdpDiscovery.accept(router, answer(location)
                .replace("\r\n\r\n", "\r\nBOOTID.UPNP.ORG:  1795573911 \r\n\r\n")).orElseThrow().bootId());
        assertEquals(Optional.empty(), SsdpDiscovery.accept(router, answer(location)).orElseThrow().bootId(),
                "UPnP 1.0: none");
        assertEquals(Optional.empty(), SsdpDiscovery.accept(router, answer(location)
                .replace("\r\n\r\n", "\r\nBOOTID.UPNP.ORG: \r\n\r\n")).orElseThrow().bootId(), "blank");
        var hostile = SsdpDiscovery.accept(router, answer(location).replace("\r\n\r\n",
                "\r\nBOOTID.UPNP.ORG: 1\r[main] INFO forged\u001b\r\n\r\n")).orElseThrow();
        assertEquals(Optional.of("1?[main] INFO forged"), hostile.bootId(), "trimmed, then made printable");
        assertEquals("Debian/12 UPnP/1.1 MiniUPnPd/2.3.1", hostile.server());
    }
}
