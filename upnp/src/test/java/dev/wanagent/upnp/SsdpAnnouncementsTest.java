package dev.wanagent.upnp;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Reading announcements and picking the router's IGD among them; the restart rules are in RestartEvidenceTest. */
class SsdpAnnouncementsTest {
    private static final long S = 1_000_000_000L;
    private static final String IGD = "http://192.168.77.1:5000/rootDesc.xml";
    private static final String MEDIA = "http://192.168.77.1:8200/rootDesc.xml";

    /** miniupnpd 2.3.1's announcement, as sent. */
    private static String alive(String nt, String usn, String location, String bootId) {
        return "NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nCACHE-CONTROL: max-age=120\r\nLOCATION: " + location
                + "\r\nSERVER: Debian/12 UPnP/1.1 MiniUPnPd/2.3.1\r\nNT: " + nt + "\r\nUSN: " + usn
                + "\r\nNTS: ssdp:alive\r\nOPT: \"http://schemas.upnp.org/upnp/1/0/\"; ns=01\r\n01-NLS: " + bootId
                + "\r\n" + (bootId == null ? "" : "BOOTID.UPNP.ORG: " + bootId + "\r\n") + "CONFIGID.UPNP.ORG: 1337\r\n\r\n";
    }

    private static SsdpAnnouncements.Announcement parsed(String text) {
        return SsdpAnnouncements.parse(text).orElseThrow();
    }

    private static SsdpAnnouncements listening() throws Exception {
        return new SsdpAnnouncements(null, InetAddress.getByName("192.168.77.1"), e -> { });
    }

    /** The IGD's announcements of one burst at {@code t}; the reports. */
    private static Optional<String> igdBurst(SsdpAnnouncements s, long t, String bootId) {
        Optional<String> first = s.observe(parsed(alive("upnp:rootdevice", "uuid:a::upnp:rootdevice", IGD, bootId)), t);
        Optional<String> igd = s.observe(parsed(alive("urn:schemas-upnp-org:device:InternetGatewayDevice:2",
                "uuid:a::urn:schemas-upnp-org:device:InternetGatewayDevice:2", IGD, bootId)), t + 1);
        Optional<String> svc = s.observe(parsed(alive("urn:schemas-upnp-org:service:WANIPConnection:2",
                "uuid:c::urn:schemas-upnp-org:service:WANIPConnection:2", IGD, bootId)), t + 2);
        return first.or(() -> igd).or(() -> svc);
    }

    @Test
    void readsTheHeadersThatMatter() {
        SsdpAnnouncements.Announcement a = parsed(alive("upnp:rootdevice", "uuid:a::upnp:rootdevice", IGD,
                " 1795573911 "));
        assertEquals("ssdp:alive", a.nts());
        assertEquals("upnp:rootdevice", a.nt());
        assertEquals("uuid:a", a.device());
        assertEquals(IGD, a.location());
        assertEquals(Optional.of("1795573911"), a.bootId());
        assertEquals(Optional.empty(), parsed(alive("upnp:rootdevice", "uuid:a", IGD, null)).bootId());
        assertEquals(Optional.empty(), SsdpAnnouncements.parse("M-SEARCH * HTTP/1.1\r\nST: ssdp:all\r\n\r\n"));
        assertEquals(Optional.empty(), SsdpAnnouncements.parse("HTTP/1.1 200 OK\r\n\r\n"));
        SsdpAnnouncements.Announcement hostile = parsed("NOTIFY * HTTP/1.1\r\nNTS: ssdp:alive\rforged\r\n"
                + "BOOTID.UPNP.ORG: 7\u001b[2J\r\n\r\n");
        assertEquals("ssdp:alive?forged", hostile.nts());
        assertEquals(Optional.of("7?[2J"), hostile.bootId());
    }

    @Test
    void onlyTheRoutersIgdCountsNotItsOtherDevices() throws Exception {
        SsdpAnnouncements s = listening();
        assertEquals(Optional.of("first ssdp:alive burst heard from the router"), igdBurst(s, 0, "100"));
        // the router's media server: another LOCATION, BOOTID and rhythm
        for (long t = 5 * S; t < 100 * S; t += 7 * S) {
            assertEquals(Optional.empty(), s.observe(parsed(alive("urn:schemas-upnp-org:device:MediaServer:1",
                    "uuid:m::urn:schemas-upnp-org:device:MediaServer:1", MEDIA, "555")), t));
            assertEquals(Optional.empty(), s.observe(parsed(alive("upnp:rootdevice", "uuid:m::upnp:rootdevice", MEDIA,
                    "555")), t + 1));
        }
        assertEquals(Optional.empty(), s.observe(parsed("NOTIFY * HTTP/1.1\r\nNT: upnp:rootdevice\r\n"
                + "USN: uuid:m::upnp:rootdevice\r\nNTS: ssdp:byebye\r\n\r\n"), 60 * S));
        assertEquals(Optional.empty(), igdBurst(s, 30 * S, "100"));
        assertEquals(Optional.empty(), igdBurst(s, 60 * S, "100"), "the media server's byebye is not the IGD's");
        assertEquals(Optional.empty(), igdBurst(s, 90 * S, "100"));
    }

    @Test
    void theIgdsByeByeCountsThroughItsUsn() throws Exception {
        SsdpAnnouncements s = listening();
        igdBurst(s, 0, null);
        igdBurst(s, 30 * S, null);
        s.observe(parsed("NOTIFY * HTTP/1.1\r\nNT: upnp:rootdevice\r\nUSN: uuid:a::upnp:rootdevice\r\n"
                + "NTS: ssdp:byebye\r\n\r\n"), 40 * S);
        assertEquals(Optional.of("ssdp:alive after ssdp:byebye"), igdBurst(s, 60 * S, null));
    }

    @Test
    void aRestartedRouterIsRecognisedOnANewPort() throws Exception {
        SsdpAnnouncements s = listening(); // miniupnpd with http_port=0 listens on another port after a restart
        igdBurst(s, 0, "1");
        igdBurst(s, 30 * S, "1");
        String moved = "http://192.168.77.1:41234/rootDesc.xml";
        assertEquals(Optional.empty(), s.observe(parsed(alive("upnp:rootdevice", "uuid:a::upnp:rootdevice", moved,
                "2")), 40 * S), "not known yet as the IGD's");
        assertEquals(Optional.of("BOOTID.UPNP.ORG 1 → 2"), s.observe(parsed(alive(
                "urn:schemas-upnp-org:device:InternetGatewayDevice:2",
                "uuid:a::urn:schemas-upnp-org:device:InternetGatewayDevice:2", moved, "2")), 40 * S + 1));
    }

    @Test
    void knownBootIdAndExpectRestartReachTheRules() throws Exception {
        SsdpAnnouncements s = listening();
        s.knownBootId("100");
        assertEquals(Optional.of("BOOTID.UPNP.ORG 100 → 101"), igdBurst(s, 0, "101"));
        igdBurst(s, 30 * S, "101");
        s.expectRestart();
        assertEquals(Optional.of("ssdp:alive after failures"), igdBurst(s, 60 * S, "101"));
        assertEquals(Optional.empty(), igdBurst(s, 90 * S, "101"));
        s.close(); // no socket in this test: nothing to close
    }
}
