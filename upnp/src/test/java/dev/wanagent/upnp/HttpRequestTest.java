package dev.wanagent.upnp;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The listeners' request reader (the GENA callback's, the status page's), with what a router sends and what a hostile
 * LAN host could.
 */
class HttpRequestTest {
    private static final int MAX = EventSubscription.MAX_NOTIFY_BYTES;
    private static final String NOTIFY = "NOTIFY /wan-agent/events/abc HTTP/1.1\r\nHOST: 192.168.77.100:40000\r\n"
            + "CONTENT-TYPE: text/xml; charset=\"utf-8\"\r\nNT: upnp:event\r\nNTS: upnp:propchange\r\n"
            + "SID: uuid:1\r\nSEQ: 0\r\nCONTENT-LENGTH: 5\r\n\r\n<a/>\n";

    private static HttpRequest read(String raw) throws Exception {
        return HttpRequest.read(new ByteArrayInputStream(raw.getBytes(StandardCharsets.ISO_8859_1)), MAX, "SID");
    }

    private static int refused(String raw) {
        return assertThrows(HttpRequest.Refused.class, () -> read(raw)).status();
    }

    @Test
    void readsARoutersNotify() throws Exception {
        HttpRequest r = read(NOTIFY);
        assertEquals("NOTIFY", r.method());
        assertEquals("/wan-agent/events/abc", r.path());
        assertEquals("uuid:1", r.header("SID"));
        assertArrayEquals("<a/>\n".getBytes(StandardCharsets.US_ASCII), r.body());
        // bare LF line ends, leading empty lines, absolute-form target with a query, lower-case names
        HttpRequest lf = read("\r\n\nNOTIFY http://192.168.77.100:4000/p?x=1 HTTP/1.0\nsid:  uuid:2 \n"
                + "content-length: 2\n\nab");
        assertEquals("/p", lf.path());
        assertEquals("uuid:2", lf.header("SID"));
        assertEquals("ab", new String(lf.body(), StandardCharsets.US_ASCII));
        HttpRequest none = read("GET / HTTP/1.1\r\n\r\n");
        assertNull(none.header("SID"));
        assertEquals(0, none.body().length);
    }

    @Test
    void keepsOnlyTheHeadersAskedForWhateverTheirCase() throws Exception {
        HttpRequest r = HttpRequest.read(new ByteArrayInputStream(("POST /trigger HTTP/1.1\r\nHost: x\r\n"
                + "authorization: Bearer t\r\nX-Other: 1\r\nSID: s\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1)),
                MAX, "Authorization", "Host");
        assertEquals("Bearer t", r.header("Authorization"));
        assertEquals("Bearer t", r.header("AUTHORIZATION"));
        assertEquals("x", r.header("host"));
        assertNull(r.header("X-Other"));
        assertNull(r.header("SID"), "not asked for");
        assertEquals(2, r.headers().size());
        HttpRequest.Refused twice = assertThrows(HttpRequest.Refused.class, () -> HttpRequest.read(
                new ByteArrayInputStream("GET / HTTP/1.1\r\nAuthorization: a\r\nauthorization: a\r\n\r\n"
                        .getBytes(StandardCharsets.ISO_8859_1)), MAX, "Authorization"));
        assertEquals(400, twice.status());
        assertEquals("two Authorization headers", twice.getMessage());
        // a header not kept may come twice
        assertEquals("/", HttpRequest.read(new ByteArrayInputStream("GET / HTTP/1.1\r\nX: 1\r\nX: 2\r\n\r\n"
                .getBytes(StandardCharsets.ISO_8859_1)), MAX).path());
    }

    @Test
    void refusesWhatItDoesNotSpeak() {
        assertEquals(400, refused("NOTIFY /p HTTP/2.0\r\n\r\n"));
        assertEquals(400, refused("NOTIFY  /p HTTP/1.1\r\n\r\n"));
        assertEquals(400, refused("NOTIFY p HTTP/1.1\r\n\r\n"));
        assertEquals(400, refused("NO TIFY /p HTTP/1.1\r\n\r\n"));
        assertEquals(400, refused("N\u0000TIFY /p HTTP/1.1\r\n\r\n"));
        assertEquals(400, refused("NOTIFY /p HTTP/1.1\r\nSID: a\r\n folded\r\n\r\n"));
        assertEquals(400, refused("NOTIFY /p HTTP/1.1\r\nno colon\r\n\r\n"));
        assertEquals(400, refused("NOTIFY /p HTTP/1.1\r\nSID : a\r\n\r\n"));
        assertEquals(400, refused("NOTIFY /p HTTP/1.1\r\nSID: a\r\nSID: b\r\n\r\n"));
        assertEquals(400, refused("NOTIFY /p HTTP/1.1\r\nContent-Length: -1\r\n\r\n"));
        assertEquals(400, refused("NOTIFY /p HTTP/1.1\r\nContent-Length: 1e3\r\n\r\n"));
        assertEquals(400, refused("NOTIFY /p HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n"));
        assertEquals(400, refused("NOTIFY /p HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab"));
        assertEquals(501, refused("NOTIFY /p HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n<a/>\n\r\n0\r\n\r\n"));
        assertEquals(413, refused("NOTIFY /p HTTP/1.1\r\nContent-Length: " + (MAX + 1) + "\r\n\r\n"));
        assertEquals(431, refused("NOTIFY /p HTTP/1.1\r\nX: " + "a".repeat(HttpRequest.MAX_HEAD_BYTES) + "\r\n\r\n"));
        assertEquals(431, refused("\r\n".repeat(1) + "NOTIFY /p HTTP/1.1\r\n" + "X: 1\r\n".repeat(2000) + "\r\n"));
    }

    @Test
    void aRequestThatEndsEarlyIsAnIoException() {
        assertThrows(EOFException.class, () -> read(""));
        assertThrows(EOFException.class, () -> read("NOTIFY /p HTTP/1.1\r\nSID: a\r\n"));
        assertThrows(EOFException.class, () -> read("NOTIFY /p HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc"));
        // an endless stream of empty lines ends at the head limit? no: leading empty lines are skipped, so it is
        // bounded by the stream (a socket's deadline); here the stream ends
        assertThrows(EOFException.class, () -> read("\r\n".repeat(100_000)));
    }

    /** A peer that sends slowly is cut off at the deadline, whatever the socket timeout of a single read. */
    @Test
    void aSlowPeerIsCutOffAtTheDeadline() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
             Socket accepted = server.accept()) {
            Thread dripper = new Thread(() -> {
                try {
                    OutputStream out = client.getOutputStream();
                    out.write("NOTIFY /p HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
                    for (int i = 0; i < 100; i++) {
                        out.write('X');
                        out.flush();
                        Thread.sleep(40);
                    }
                } catch (IOException | InterruptedException e) {
                    // the reader gave up
                }
            });
            dripper.setDaemon(true);
            dripper.start();
            long t0 = System.nanoTime();
            InputStream in = new HttpRequest.Deadline(accepted, 500);
            assertThrows(SocketTimeoutException.class, () -> HttpRequest.read(in, MAX, "SID"));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms >= 450 && ms < 1500, ms + " ms");
        }
    }

    @Provide
    Arbitrary<String> hostile() {
        Arbitrary<String> junk = Arbitraries.strings().withChars("NOTIFY /:\r\n\t\u0000\u00ff0123456789-HTP.a ")
                .ofMaxLength(300);
        Arbitrary<String> mutated = Arbitraries.integers().between(0, NOTIFY.length()).flatMap(cut ->
                Hostile.text().map(t -> NOTIFY.substring(0, cut) + t + NOTIFY.substring(cut)));
        Arbitrary<String> truncated = Arbitraries.integers().between(0, NOTIFY.length()).map(n -> NOTIFY.substring(0, n));
        Arbitrary<String> lengths = Arbitraries.of("0", "5", "6", "4", "-5", "+5", " 5 ", "0x5", "65537", "2147483648",
                "00000000005", "").map(l -> NOTIFY.replace("CONTENT-LENGTH: 5", "CONTENT-LENGTH: " + l));
        return Arbitraries.oneOf(junk, mutated, truncated, lengths);
    }

    @Property(tries = 500)
    void anyInputGivesARequestARefusalOrAnIoExceptionQuickly(@ForAll("hostile") String raw) {
        Object outcome = Hostile.quickly(() -> {
            try {
                return read(raw);
            } catch (HttpRequest.Refused e) {
                return e;
            }
        });
        if (outcome instanceof HttpRequest.Refused e) {
            assertTrue(Set.of(400, 413, 431, 501).contains(e.status()), e.status() + " " + e.getMessage());
            Hostile.assertCleanMessage(e);
        } else if (outcome instanceof HttpRequest r) {
            assertTrue(r.body().length <= MAX);
            assertTrue(r.path().startsWith("/"), r.path());
        } else {
            assertTrue(outcome instanceof IOException, String.valueOf(outcome));
        }
    }
}
