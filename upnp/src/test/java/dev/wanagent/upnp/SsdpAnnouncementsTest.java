package dev.wanagent.upnp;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class SsdpAnnouncementsTest {
    @Test
    void aNewBootIdOrAliveAfterByeByeIsARestart() throws Exception {
        SsdpAnnouncements a = new SsdpAnnouncements(null, InetAddress.getByName("192.168.77.1"), e -> { });
        assertNull(a.observe("ssdp:alive", "1795573911"), "the first announcement only teaches the BOOTID");
        assertNull(a.observe("ssdp:alive", "1795573911"), "the same boot, announced again");
        assertEquals("BOOTID.UPNP.ORG 1795573911 → 1795574000", a.observe("ssdp:alive", "1795574000"));
        assertNull(a.observe("ssdp:alive", "1795574000"), "reported once per restart");
        // a UPnP 1.0 router without BOOTID
        SsdpAnnouncements old = new SsdpAnnouncements(null, InetAddress.getByName("192.168.77.1"), e -> { });
        assertNull(old.observe("ssdp:alive", null));
        assertNull(old.observe("ssdp:byebye", null));
        assertEquals("ssdp:alive after ssdp:byebye", old.observe("ssdp:alive", null));
        assertNull(old.observe("ssdp:update", null));
    }
}
