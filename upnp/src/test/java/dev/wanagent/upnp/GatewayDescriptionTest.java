package dev.wanagent.upnp;

import okhttp3.HttpUrl;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Descriptions captured from the lab's miniupnpd 2.3.1 (src/test/resources/miniupnpd). */
class GatewayDescriptionTest {
    private static final HttpUrl LOCATION = HttpUrl.get("http://192.168.77.1:5000/rootDesc.xml");

    static byte[] resource(String name) throws IOException {
        try (InputStream in = GatewayDescriptionTest.class.getResourceAsStream("/miniupnpd/" + name)) {
            return in.readAllBytes();
        }
    }

    @Test
    void readsMiniupnpdIgd2() throws Exception {
        GatewayDescription d = GatewayDescription.parse(LOCATION, resource("rootDesc-igd2.xml"));
        assertEquals(1, d.services().size());
        GatewayDescription.WanService s = d.services().get(0);
        assertEquals("urn:schemas-upnp-org:service:WANIPConnection:2", s.serviceType());
        assertEquals(2, s.igdVersion());
        assertEquals(HttpUrl.get("http://192.168.77.1:5000/ctl/IPConn"), s.controlUrl());
        assertEquals(HttpUrl.get("http://192.168.77.1:5000/evt/IPConn"), s.eventSubUrl());
        assertEquals("wan-agent lab router", d.friendlyName());
        assertEquals(HttpUrl.get("http://192.168.77.1:5000/ctl/IP6FCtl"), d.ipv6Firewall().orElseThrow().controlUrl(),
                "miniupnpd's IGD:2 offers IPv6 pinholes");
        assertTrue(GatewayDescription.parse(LOCATION, resource("rootDesc-igd1.xml")).ipv6Firewall().isEmpty());
    }

    @Test
    void readsMiniupnpdIgd1() throws Exception {
        GatewayDescription d = GatewayDescription.parse(LOCATION, resource("rootDesc-igd1.xml"));
        GatewayDescription.WanService s = d.services().get(0);
        assertEquals("urn:schemas-upnp-org:service:WANIPConnection:1", s.serviceType());
        assertEquals(1, s.igdVersion());
        assertEquals(HttpUrl.get("http://192.168.77.1:5000/ctl/IPConn"), s.controlUrl());
    }

    @Test
    void listsEveryWanConnectionServiceInDocumentOrder() throws Exception {
        // a router with both a PPPoE and an IP connection device (as many DSL routers describe themselves)
        String both = new String(resource("rootDesc-igd1.xml"), StandardCharsets.UTF_8).replace(
                "<deviceList><device><deviceType>urn:schemas-upnp-org:device:WANConnectionDevice:1",
                "<deviceList><device><deviceType>urn:schemas-upnp-org:device:WANConnectionDevice:1</deviceType>"
                        + "<serviceList><service><serviceType>urn:schemas-upnp-org:service:WANPPPConnection:1"
                        + "</serviceType><serviceId>urn:upnp-org:serviceId:WANPPPConn1</serviceId>"
                        + "<controlURL>ctl/PPPConn</controlURL><eventSubURL>/evt/PPPConn</eventSubURL>"
                        + "<SCPDURL>/WANPPPCn.xml</SCPDURL></service></serviceList></device>"
                        + "<device><deviceType>urn:schemas-upnp-org:device:WANConnectionDevice:1");
        GatewayDescription d = GatewayDescription.parse(LOCATION, both.getBytes(StandardCharsets.UTF_8));
        assertEquals(2, d.services().size(), d.toString());
        assertEquals("WANPPPConnection:1", d.services().get(0).shortName());
        assertEquals(HttpUrl.get("http://192.168.77.1:5000/ctl/PPPConn"), d.services().get(0).controlUrl());
        assertEquals("WANIPConnection:1", d.services().get(1).shortName());
    }

    @Test
    void refusesExternalEntities() throws Exception {
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE root [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                + new String(resource("rootDesc-igd2.xml"), StandardCharsets.UTF_8)
                .replaceFirst("<\\?xml[^>]*>", "").replace("wan-agent lab router", "&x;");
        UpnpException e = assertThrows(UpnpException.class,
                () -> GatewayDescription.parse(LOCATION, xxe.getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains("DOCTYPE"), e.getMessage());
    }

    @Test
    void refusesEntityExpansionBombs() {
        String bomb = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
                + "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">]><root>&lol2;</root>";
        assertThrows(UpnpException.class, () -> GatewayDescription.parse(LOCATION, bomb.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void refusesControlUrlOnAnotherHost() throws Exception {
        String moved = new String(resource("rootDesc-igd2.xml"), StandardCharsets.UTF_8)
                .replace("<controlURL>/ctl/IPConn</controlURL>", "<controlURL>http://203.0.113.9/ctl</controlURL>");
        UpnpException e = assertThrows(UpnpException.class,
                () -> GatewayDescription.parse(LOCATION, moved.getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains("not on the router itself"), e.getMessage());
    }

    @Test
    void refusesDocumentsWithoutWanConnectionService() {
        String notIgd = "<root xmlns=\"urn:schemas-upnp-org:device-1-0\"><device><deviceType>"
                + "urn:schemas-upnp-org:device:MediaServer:1</deviceType><serviceList><service><serviceType>"
                + "urn:schemas-upnp-org:service:ContentDirectory:1</serviceType><controlURL>/cd</controlURL>"
                + "</service></serviceList></device></root>";
        UpnpException e = assertThrows(UpnpException.class,
                () -> GatewayDescription.parse(LOCATION, notIgd.getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains("not an Internet Gateway Device"), e.getMessage());
    }

    @Test
    void garbageIsAClearError() {
        UpnpException e = assertThrows(UpnpException.class,
                () -> GatewayDescription.parse(LOCATION, "\u0000\u0001garbage".getBytes(StandardCharsets.ISO_8859_1)));
        assertTrue(e.getMessage().startsWith("router description http://192.168.77.1:5000/rootDesc.xml is not acceptable XML"),
                e.getMessage());
        assertNull(e.errorCode().orElse(null));
    }

    @Test
    void namesAndRefusedUrlsAreShownPrintable() throws Exception {
        String igd2 = new String(resource("rootDesc-igd2.xml"), StandardCharsets.UTF_8);
        GatewayDescription d = GatewayDescription.parse(LOCATION, igd2.replace("wan-agent lab router",
                "lab&#10;[main] INFO forged\u2028").getBytes(StandardCharsets.UTF_8));
        assertEquals("lab?[main] INFO forged?", d.friendlyName());
        UpnpException e = assertThrows(UpnpException.class, () -> GatewayDescription.parse(LOCATION, igd2
                .replaceFirst("<device>", "<URLBase>http://evil&#10;x/</URLBase><device>").getBytes(StandardCharsets.UTF_8)));
        assertEquals("router description http://192.168.77.1:5000/rootDesc.xml has URLBase http://evil?x/ on another"
                + " host: refused", e.getMessage());
    }

    @Test
    void theGatewayKnowsTheBootIdItWasFoundWith() throws Exception {
        GatewayDescription d = GatewayDescription.parse(LOCATION, resource("rootDesc-igd2.xml"));
        java.net.InetAddress local = java.net.InetAddress.getLoopbackAddress();
        assertEquals(java.util.Optional.of("1795573911"),
                InternetGateway.connect(d, local, java.util.Optional.of("1795573911")).bootId());
        try (mockwebserver3.MockWebServer router = new mockwebserver3.MockWebServer()) {
            router.start(local, 0);
            router.enqueue(new mockwebserver3.MockResponse.Builder()
                    .body(new String(resource("rootDesc-igd2.xml"), StandardCharsets.UTF_8)).build());
            HttpUrl at = router.url("/rootDesc.xml").newBuilder().host("127.0.0.1").build();
            assertEquals(java.util.Optional.empty(), InternetGateway.at(at).bootId(), "no SSDP answer, no BOOTID");
        }
    }
}
