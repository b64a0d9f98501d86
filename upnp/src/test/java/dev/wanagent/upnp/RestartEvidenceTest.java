package dev.wanagent.upnp;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The restart rules on a simulated clock: bursts shaped like miniupnpd's (13 announcements, copies 250 ms later). */
class RestartEvidenceTest {
    private static final long MS = 1_000_000L;
    private static final long S = 1_000 * MS;
    private static final List<String> USNS = List.of("uuid:a::upnp:rootdevice", "uuid:a",
            "uuid:a::urn:schemas-upnp-org:device:InternetGatewayDevice:2", "uuid:a::urn:schemas-upnp-org:service:"
                    + "Layer3Forwarding:1", "uuid:a::urn:schemas-upnp-org:service:DeviceProtection:1", "uuid:b",
            "uuid:b::urn:schemas-upnp-org:device:WANDevice:2", "uuid:b::urn:schemas-upnp-org:service:"
                    + "WANCommonInterfaceConfig:1", "uuid:c", "uuid:c::urn:schemas-upnp-org:device:"
                    + "WANConnectionDevice:2", "uuid:c::urn:schemas-upnp-org:service:WANIPConnection:2",
            "uuid:c::urn:schemas-upnp-org:service:WANIPv6FirewallControl:1", "uuid:c::x");

    private final RestartEvidence evidence = new RestartEvidence();

    /** A miniupnpd burst starting at {@code t}: each announcement, then its copy 250 ms later. The reports. */
    private List<String> burst(long t, String bootId) {
        return burst(t, bootId, 2, 250 * MS);
    }

    private List<String> burst(long t, String bootId, int sets, long setGap) {
        List<String> reports = new ArrayList<>();
        for (int set = 0; set < sets; set++) {
            for (int i = 0; i < USNS.size(); i++) {
                evidence.observe("ssdp:alive", bootId, USNS.get(i), t + set * setGap + i * MS / 10)
                        .ifPresent(reports::add);
            }
        }
        return reports;
    }

    private void byebye(long t) {
        for (int i = 0; i < USNS.size(); i++) {
            assertEquals(Optional.empty(), evidence.observe("ssdp:byebye", null, USNS.get(i), t + i * MS / 10));
        }
    }

    @Test
    void theFirstBurstIsReportedOnceAndPeriodicBurstsAfterItAreNot() {
        assertEquals(List.of("first ssdp:alive burst heard from the router"), burst(0, "1795573911"));
        for (int i = 1; i <= 10; i++) {
            assertEquals(List.of(), burst(i * 30 * S, "1795573911"), "the burst at " + i * 30 + " s");
        }
    }

    @Test
    void aRestartJustAfterABurstWithTheSameBootIdIsOffRhythm() {
        burst(0, "7");
        burst(30 * S, "7");
        burst(60 * S, "7"); // its packets end at 60.25 s; the router restarts and starts again 0.3 s later
        List<String> reports = burst(60 * S + 550 * MS, "7");
        assertEquals(1, reports.size(), reports.toString());
        assertTrue(reports.get(0).contains("off the router's rhythm of 30.0 s"), reports.get(0));
        assertEquals(List.of(), burst(90 * S + 550 * MS, "7"), "back in rhythm");
    }

    @Test
    void aRestartJustAfterTheFirstBurstIsOffRhythmToo() {
        burst(0, null); // a UPnP 1.0 router: no BOOTID
        List<String> reports = burst(550 * MS, null);
        assertEquals(1, reports.size(), reports.toString());
        assertTrue(reports.get(0).contains("rhythm of at least 10.0 s"), reports.get(0));
    }

    @Test
    void aBurstOffTheRhythmOfARouterWithoutBootIdIsARestart() {
        burst(0, null);
        burst(60 * S, null);
        burst(120 * S, null);
        List<String> reports = burst(145 * S, null); // rebooted: announces 25 s after the last burst, not 60
        assertEquals(1, reports.size(), reports.toString());
        assertTrue(reports.get(0).startsWith("ssdp:alive burst 25.0 s after the previous one"), reports.get(0));
        assertEquals(List.of(), burst(205 * S, null));
    }

    @Test
    void aliveAfterByeByeIsARestart() {
        burst(0, null);
        burst(30 * S, null);
        byebye(40 * S);
        assertEquals(List.of("ssdp:alive after ssdp:byebye"), burst(70 * S, null), "even in rhythm");
        assertEquals(List.of(), burst(100 * S, null), "30 s after the restart: the rhythm is 30 s, not 40 s");
    }

    @Test
    void aliveAfterExpectRestartIsARestart() {
        burst(0, "5");
        burst(30 * S, "5");
        evidence.expectRestart();
        assertEquals(List.of("ssdp:alive after failures"), burst(60 * S, "5"), "in rhythm, same BOOTID");
        assertEquals(List.of(), burst(90 * S, "5"));
    }

    @Test
    void expectRestartDuringABurstMakesItsNextAnnouncementCount() {
        burst(0, "5");
        evidence.observe("ssdp:alive", "5", USNS.get(0), 30 * S);
        evidence.expectRestart();
        assertEquals(Optional.of("ssdp:alive after failures"),
                evidence.observe("ssdp:alive", "5", USNS.get(1), 30 * S + MS));
    }

    @Test
    void aNewBootIdInRhythmIsARestart() {
        burst(0, "100");
        burst(30 * S, "100");
        assertEquals(List.of("BOOTID.UPNP.ORG 100 → 200"), burst(60 * S, "200"));
        assertEquals(List.of(), burst(90 * S, "200"));
    }

    @Test
    void theBootIdOfTheSearchAnswerIsKnownBeforeAnyAnnouncement() {
        evidence.knownBootId(" 100 ");
        assertEquals(List.of("BOOTID.UPNP.ORG 100 → 200"), burst(0, "200"));
        RestartEvidence same = new RestartEvidence();
        same.knownBootId("100");
        assertEquals(Optional.of("first ssdp:alive burst heard from the router"),
                same.observe("ssdp:alive", "100", "uuid:a", 0), "nothing known about its rhythm yet");
        same.knownBootId("");
        same.knownBootId(null);
        assertEquals(Optional.of("BOOTID.UPNP.ORG 100 → 101"), same.observe("ssdp:alive", "101", "uuid:a", 30 * S));
    }

    @Test
    void aNewBootIdInTheMiddleOfABurstIsReportedOnce() {
        burst(0, "1");
        burst(30 * S, "1");
        evidence.observe("ssdp:alive", "1", USNS.get(0), 60 * S);
        assertEquals(Optional.of("BOOTID.UPNP.ORG 1 → 2"), evidence.observe("ssdp:alive", "2", USNS.get(1),
                60 * S + 100 * MS));
        assertEquals(List.of(), burst(60 * S + 200 * MS, "2"), "the rest of that burst");
    }

    @Test
    void burstsOfOtherStacksAreOneBurstEach() {
        // three sets 400 ms apart (UDA: "a few hundred milliseconds", at most three times)
        assertEquals(1, burst(0, null, 3, 400 * MS).size());
        assertEquals(List.of(), burst(30 * S, null, 3, 400 * MS));
        assertEquals(List.of(), burst(60 * S, null, 3, 400 * MS));
        // libupnp: every announcement twice, 100 ms apart, one after another (a 2.6 s stream)
        RestartEvidence pupnp = new RestartEvidence();
        int reports = 0;
        for (int period = 0; period < 3; period++) {
            long t = period * 1800 * S;
            for (int i = 0; i < USNS.size() * 2; i++) {
                if (pupnp.observe("ssdp:alive", null, USNS.get(i / 2), t + i * 100 * MS).isPresent()) reports++;
            }
        }
        assertEquals(1, reports, "only the first burst");
    }

    @Test
    void theDowntimeOfARestartIsNotTakenForTheRhythm() {
        burst(0, "1");
        burst(30 * S, "1");
        burst(60 * S, "1");
        assertEquals(List.of("BOOTID.UPNP.ORG 1 → 2"), burst(150 * S, "2"), "down for 60 s");
        assertEquals(List.of(), burst(180 * S, "2"), "in the 30 s rhythm again");
        assertEquals(1, burst(190 * S, "2").size(), "and a UPnP 1.0-style restart 10 s later is off it");
    }

    @Test
    void otherNotificationsChangeNothing() {
        burst(0, "1");
        assertEquals(Optional.empty(), evidence.observe("ssdp:update", "2", "uuid:a", 10 * S));
        assertEquals(Optional.empty(), evidence.observe(null, "2", "uuid:a", 11 * S));
        assertEquals(Optional.empty(), evidence.observe("junk", "2", "uuid:a", 12 * S));
        assertEquals(List.of(), burst(30 * S, "1"));
    }

    @Test
    void aHostileBootIdIsShownPrintable() {
        burst(0, "1");
        assertEquals(List.of("BOOTID.UPNP.ORG 1 → 2??[main] INFO forged"),
                burst(30 * S, "2\r\n[main] INFO forged"));
    }

    @Test
    void secondsArePrintedWithOneDecimal() {
        assertEquals("25.0", RestartEvidence.seconds(25_000_000_000L));
        assertEquals("0.0", RestartEvidence.seconds(0));
        assertEquals("1.3", RestartEvidence.seconds(1_250_000_000L)); // half up, as %.1f did
        assertEquals("1.0", RestartEvidence.seconds(999_999_999L));
        assertEquals("1800.2", RestartEvidence.seconds(1_800_240_000_000L));
    }
}
