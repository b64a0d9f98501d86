package dev.wanagent.upnp;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SSDP answers and announcements from a hostile LAN: parsed without exceptions, refused with clean messages. */
class SsdpPropertyTest {

    @Provide
    Arbitrary<InetAddress> responders() {
        return Arbitraries.of("192.168.77.1", "192.168.77.66", "10.0.0.1", "169.254.1.1", "8.8.8.8", "127.0.0.1")
                .map(SsdpPropertyTest::ip);
    }

    private static InetAddress ip(String s) {
        try {
            return InetAddress.getByAddress(InetAddress.getByName(s).getAddress()); // literals: no lookup
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Search answers: the real shape with hostile header values and line breaks, or anything at all. */
    @Provide
    Arbitrary<String> answers() {
        Arbitrary<String> status = Arbitraries.of("HTTP/1.1 200 OK", "HTTP/1.0 200 OK", "HTTP/1.1 404 Not Found",
                "NOTIFY * HTTP/1.1", "", "HTTP/1.1 200");
        Arbitrary<String> eol = Arbitraries.of("\r\n", "\n", "\r", "\r\r\n");
        Arbitrary<String> location = Arbitraries.oneOf(
                Arbitraries.of("http://192.168.77.1:5000/rootDesc.xml", "http://192.168.77.66/d.xml",
                        "HTTP://192.168.77.1/x", "file:///etc/passwd", "https://192.168.77.1/", "http://[::1]/",
                        "http://192.168.77.1:5000/x\rST: forged", "http://192.168.77.1:99999/"),
                Hostile.text().map(t -> "http://192.168.77.1:5000/" + t),
                Hostile.text());
        Arbitrary<String> name = Arbitraries.of("LOCATION", "location", " Location ", "ST", "SERVER", "USN",
                "BOOTID.UPNP.ORG", "bootid.upnp.org", "CACHE-CONTROL", "", ":");
        Arbitrary<String> header = Combinators.combine(name, Hostile.text()).as((n, v) -> n + ": " + v);
        Arbitrary<String> shaped = Combinators.combine(status, eol, location, header.list().ofMaxSize(6),
                Hostile.text()).as((s, e, loc, more, boot) -> s + e + "LOCATION: " + loc + e
                + String.join(e, more) + e + "BOOTID.UPNP.ORG: " + boot + e + "SERVER: " + boot + e + e);
        return Arbitraries.oneOf(shaped, Hostile.text());
    }

    @Property(tries = 400)
    void answersAreAcceptedOnlyAsDocumentedAndRefusalsAreClean(@ForAll("responders") InetAddress from,
                                                              @ForAll("answers") String text) {
        SsdpDiscovery.Verdict v = (SsdpDiscovery.Verdict) Hostile.quickly(() -> SsdpDiscovery.check(from, text));
        if (v.response().isEmpty()) {
            assertFalse(v.refusal().isBlank());
            Hostile.assertCleanText(v.refusal());
            return;
        }
        SsdpDiscovery.Response r = v.response().get();
        assertEquals("http", r.location().scheme());
        assertEquals(from.getHostAddress(), r.location().host(), "LOCATION only on the responder itself");
        assertTrue(from.isSiteLocalAddress() || from.isLinkLocalAddress());
        Hostile.assertCleanText(r.searchTarget());
        Hostile.assertCleanText(r.server());
        r.bootId().ifPresent(id -> {
            Hostile.assertCleanText(id);
            assertFalse(id.isBlank());
            assertEquals(id.trim(), id);
        });
    }

    @Property(tries = 300)
    void aHeaderValueIsOneTrimmedLine(@ForAll("answers") String text,
                                      @ForAll("headerNames") String name) {
        String v = SsdpDiscovery.header(text, name);
        if (v == null) return;
        assertFalse(v.contains("\n"), "a header value never spans lines");
        assertEquals(v.trim(), v);
    }

    @Provide
    Arbitrary<String> headerNames() {
        return Arbitraries.of("LOCATION", "ST", "SERVER", "NTS", "NT", "USN", "BOOTID.UPNP.ORG");
    }

    @Provide
    Arbitrary<String> notifies() {
        Arbitrary<String> eol = Arbitraries.of("\r\n", "\n", "\r");
        Arbitrary<String> nts = Arbitraries.oneOf(Arbitraries.of("ssdp:alive", "ssdp:byebye", "ssdp:update",
                " SSDP:ALIVE "), Hostile.text());
        return Arbitraries.oneOf(
                Combinators.combine(eol, nts, Hostile.text(), Hostile.text(), Hostile.text()).as((e, s, boot, usn, nt)
                        -> "NOTIFY * HTTP/1.1" + e + "NTS: " + s + e + "NT: " + nt + e + "USN: " + usn + e
                        + "LOCATION: " + usn + e + "BOOTID.UPNP.ORG: " + boot + e + e),
                Hostile.text().map(t -> "NOTIFY " + t),
                Hostile.text());
    }

    @Property(tries = 400)
    void announcementsAreParsedIntoCleanFields(@ForAll("notifies") String text) {
        @SuppressWarnings("unchecked")
        Optional<SsdpAnnouncements.Announcement> a = (Optional<SsdpAnnouncements.Announcement>)
                Hostile.quickly(() -> SsdpAnnouncements.parse(text));
        if (a.isEmpty()) {
            assertFalse(text.startsWith("NOTIFY "));
            return;
        }
        for (String f : new String[] {a.get().nts(), a.get().nt(), a.get().usn(), a.get().location(),
                a.get().bootId().orElse(null), a.get().device()}) {
            if (f != null) Hostile.assertCleanText(f);
        }
    }

    /** Any sequence of announcements, at any times: no exception, and every report is a clean, non-blank line. */
    @Property(tries = 300)
    void restartEvidenceIsCleanForAnySequence(@ForAll("announcementSequences") List<Object[]> sequence) {
        RestartEvidence e = new RestartEvidence();
        long now = 0;
        int reports = 0;
        for (Object[] step : sequence) {
            now += (Long) step[3];
            if ("expect".equals(step[0])) {
                e.expectRestart();
                continue;
            }
            if ("known".equals(step[0])) {
                e.knownBootId((String) step[1]);
                continue;
            }
            Optional<String> r = e.observe((String) step[0], (String) step[1], (String) step[2], now);
            if (r.isPresent()) {
                reports++;
                Hostile.assertCleanText(r.get());
                assertFalse(r.get().isBlank());
            }
        }
        assertTrue(reports <= sequence.size());
    }

    @Provide
    Arbitrary<List<Object[]>> announcementSequences() {
        Arbitrary<String> kind = Arbitraries.of("ssdp:alive", "ssdp:alive", "ssdp:alive", "ssdp:byebye",
                "ssdp:update", "expect", "known", null, "junk");
        Arbitrary<String> boot = Arbitraries.oneOf(Arbitraries.of("1", "2", " 2 ", "", null), Hostile.text());
        Arbitrary<String> usn = Arbitraries.of("uuid:a::upnp:rootdevice", "uuid:a", "uuid:b", null);
        Arbitrary<Long> gap = Arbitraries.oneOf(Arbitraries.longs().between(0, 2_000_000_000L),
                Arbitraries.of(0L, 250_000_000L, 30_000_000_000L, Long.MAX_VALUE / 4));
        return Combinators.combine(kind, boot, usn, gap).as((k, b, u, g) -> new Object[] {k, b, u, g})
                .list().ofMaxSize(80);
    }

    @Property(tries = 50)
    void theSameBurstIsNeverReportedTwice(@ForAll("bootIds") String bootId) {
        RestartEvidence e = new RestartEvidence();
        int reports = 0;
        for (int copy = 0; copy < 3; copy++) {
            for (int i = 0; i < 13; i++) {
                if (e.observe("ssdp:alive", bootId, "uuid:x::n" + i, copy * 300_000_000L + i).isPresent()) reports++;
            }
        }
        assertEquals(1, reports, "the first burst, once");
    }

    @Provide
    Arbitrary<String> bootIds() {
        return Arbitraries.oneOf(Arbitraries.just(null), Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(10),
                Hostile.text());
    }
}
