package dev.wanagent.agent;

import dev.wanagent.config.WebEchoConfig;
import dev.wanagent.ddns.ProviderHttp;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The web echo against a local HTTP server: agreement, strict replies, no redirects, interval and back-off. */
class WebEchoTest {
    private final MockWebServer server = new MockWebServer();
    private final OkHttpClient http = ProviderHttp.newClient();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T12:00:00Z"));

    @BeforeEach
    void start() throws IOException {
        server.start(InetAddress.getLoopbackAddress(), 0);
    }

    @AfterEach
    void stop() {
        server.close();
        http.dispatcher().executorService().shutdown();
    }

    private WebEcho echo(String... paths) {
        List<URI> urls = java.util.Arrays.stream(paths).map(p -> server.url(p).uri()).toList();
        return new WebEcho(new WebEchoConfig(true, urls, Duration.ofMinutes(5)), http, clock, () -> 0.5);
    }

    private static MockResponse text(int code, String body) {
        return new MockResponse.Builder().code(code).body(body).build();
    }

    private static InetAddress ip(String s) throws IOException {
        return InetAddress.getByName(s); // literals only
    }

    @Test
    void twoEchoesThatAgreeGiveTheAddressAndTheThirdIsNotAsked() throws Exception {
        server.enqueue(text(200, "81.2.69.160\n"));
        server.enqueue(text(200, "81.2.69.160"));
        WebEcho.Round r = echo("/a", "/b", "/c").ask();
        assertEquals(Optional.of(ip("81.2.69.160")), r.agreed());
        assertEquals(2, r.answers().size());
        assertEquals(2, server.getRequestCount());
        assertTrue(r.summary().endsWith("/a and http://" + r.answers().get(1).url().substring(7) + " agree on 81.2.69.160"),
                r.summary());
    }

    @Test
    void echoesThatDisagreeGiveNoAddressAndSaySo() throws Exception {
        server.enqueue(text(200, "81.2.69.160\n"));
        server.enqueue(text(200, "81.2.69.161\r\n"));
        WebEcho.Round r = echo("/a", "/b").ask();
        assertEquals(Optional.empty(), r.agreed());
        assertTrue(r.summary().startsWith("no two echoes agree: "), r.summary());
        assertTrue(r.summary().contains("/a says 81.2.69.160; ") && r.summary().contains("/b says 81.2.69.161"),
                r.summary());
    }

    @Test
    void aThirdEchoBreaksATie() throws Exception {
        server.enqueue(text(200, "81.2.69.160"));
        server.enqueue(text(503, "busy"));
        server.enqueue(text(200, "81.2.69.160\n"));
        WebEcho.Round r = echo("/a", "/b", "/c").ask();
        assertEquals(Optional.of(ip("81.2.69.160")), r.agreed());
        assertTrue(r.answers().get(1).problem().equals("answered HTTP 503"), r.answers().toString());
    }

    @Test
    void redirectsAreNotFollowedAndQueriesAreNotShown() throws Exception {
        server.enqueue(new MockResponse.Builder().code(302).addHeader("Location", server.url("/elsewhere")).build());
        server.enqueue(text(200, "81.2.69.160"));
        WebEcho.Round r = echo("/a?key=s3cret", "/b").ask();
        assertEquals(Optional.empty(), r.agreed());
        assertEquals(2, server.getRequestCount(), "the redirect was not followed");
        assertTrue(r.summary().contains("answered HTTP 302 (a redirect, not followed"), r.summary());
        assertFalse(r.summary().contains("s3cret"), r.summary());
        assertTrue(r.summary().startsWith("fewer than two echoes answered"), r.summary());
    }

    @Test
    void anIpv6AnswerOrAPageIsNotAnAddress() throws Exception {
        server.enqueue(text(200, "2001:db8::1\n"));
        server.enqueue(text(200, "<html><body>Your IP is 81.2.69.160</body></html>"));
        WebEcho.Round r = echo("/a", "/b").ask();
        assertEquals(Optional.empty(), r.agreed());
        assertTrue(r.answers().get(0).problem().startsWith("answered an IPv6 address"), r.summary());
        assertEquals("answered 48 bytes that are not one IP address (an HTML page)", r.answers().get(1).problem());
    }

    @Test
    void aLongReplyIsCutShortAndRefused() throws Exception {
        server.enqueue(text(200, "81.2.69.160" + " ".repeat(1_000_000)));
        server.enqueue(text(200, "81.2.69.160"));
        WebEcho.Round r = echo("/a", "/b").ask();
        assertEquals("answered more than " + WebEcho.MAX_REPLY_BYTES + " bytes: not one IP address",
                r.answers().get(0).problem());
    }

    @Test
    void strictReplies() throws Exception {
        assertEquals(ip("81.2.69.160"), WebEcho.parse(bytes("81.2.69.160")));
        assertEquals(ip("81.2.69.160"), WebEcho.parse(bytes("81.2.69.160\n")));
        assertEquals(ip("81.2.69.160"), WebEcho.parse(bytes("81.2.69.160\r\n")));
        assertEquals(ip("2001:db8::1"), WebEcho.parse(bytes("2001:db8::1\n")));
        for (String bad : List.of("", "\n", " 81.2.69.160", "81.2.69.160 ", "81.2.69.160\n\n", "81.2.69.160\nX",
                "81.2.69.160\r", "081.2.69.160", "81.2.69", "ip=81.2.69.160", "localhost", "81.2.69.160\u0000",
                "８1.2.69.160")) {
            IOException e = assertThrows(IOException.class, () -> WebEcho.parse(bytes(bad)), bad);
            assertFalse(e.getMessage().contains("81.2.69"), "the reply is not repeated: " + e.getMessage());
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void askedAtMostOncePerIntervalAndBackingOffAfterFailures() throws Exception {
        WebEcho echo = echo("/a", "/b");
        server.enqueue(text(200, "81.2.69.160"));
        server.enqueue(text(200, "81.2.69.160"));
        assertEquals(ip("81.2.69.160"), echo.readWanAddress().ipv4());
        clock.advance(Duration.ofMinutes(4).plusSeconds(59));
        assertEquals(ip("81.2.69.160"), echo.readWanAddress().ipv4(), "within the interval: the last answer");
        assertEquals(2, server.getRequestCount());

        clock.advance(Duration.ofSeconds(1));
        server.enqueue(text(500, "911"));
        server.enqueue(text(500, "911"));
        IOException failed = assertThrows(IOException.class, echo::readWanAddress);
        assertTrue(failed.getMessage().startsWith("web echo: fewer than two echoes answered"), failed.getMessage());
        assertEquals(4, server.getRequestCount());
        // back-off: 1, 2, 4, 8 min... but never sooner than the 5 min interval
        for (int failures = 2; failures <= 7; failures++) {
            Duration wait = Backoff.PROVIDER.after(failures - 1, () -> 0.5);
            Duration expected = wait.compareTo(Duration.ofMinutes(5)) > 0 ? wait : Duration.ofMinutes(5);
            clock.advance(expected.minusSeconds(1));
            IOException held = assertThrows(IOException.class, echo::readWanAddress);
            assertTrue(held.getMessage().contains("(echoes asked again after "), held.getMessage());
            assertEquals(2 * failures, server.getRequestCount(), "not asked before " + expected);
            clock.advance(Duration.ofSeconds(1));
            server.enqueue(text(500, "911"));
            server.enqueue(text(500, "911"));
            assertThrows(IOException.class, echo::readWanAddress);
            assertEquals(2 * failures + 2, server.getRequestCount());
        }
        // 30 min at most, then an answer resets the back-off
        clock.advance(Duration.ofMinutes(30));
        server.enqueue(text(200, "81.2.69.161"));
        server.enqueue(text(200, "81.2.69.161"));
        assertEquals(ip("81.2.69.161"), echo.readWanAddress().ipv4());
    }

    @Test
    void agreementIsAnyTwoEqualAddresses() throws Exception {
        WebEcho.Answer a = WebEcho.Answer.of("a", ip("81.2.69.160"));
        WebEcho.Answer b = WebEcho.Answer.of("b", ip("81.2.69.161"));
        WebEcho.Answer c = WebEcho.Answer.of("c", ip("81.2.69.160"));
        WebEcho.Answer none = WebEcho.Answer.failed("d", "timeout");
        assertEquals(Optional.empty(), WebEcho.agreement(List.of()));
        assertEquals(Optional.empty(), WebEcho.agreement(List.of(a)));
        assertEquals(Optional.empty(), WebEcho.agreement(List.of(a, b, none, none)));
        assertEquals(Optional.of(ip("81.2.69.160")), WebEcho.agreement(List.of(a, b, none, c)));
    }

    @Test
    void theMonitorAsksTheEchoOnlyWhileTheRouterAnswersNothing(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        boolean[] routerUp = {false};
        WanSource router = new WanSource() {
            @Override
            public String name() {
                return "upnp";
            }

            @Override
            public WanAddress readWanAddress() throws IOException {
                if (!routerUp[0]) throw new IOException("no answer from the router");
                return WanAddress.ipv4Only(ip("81.2.69.160"));
            }

            @Override
            public String describe() {
                return "stub";
            }
        };
        WebEcho echo = echo("/a", "/b");
        StateStore store = new StateStore(dir);
        UpdateDispatcher dispatcher = new UpdateDispatcher(List.of(), store.open(), store, ConfigFingerprint.in(dir),
                clock, () -> 0.5);
        WanMonitor monitor = new WanMonitor(List.of(router, echo), new MappingReconciler(List.of(), null, null, clock),
                dispatcher, Duration.ofMinutes(5), clock);
        try {
            server.enqueue(text(200, "81.2.69.170"));
            server.enqueue(text(200, "81.2.69.170"));
            WanMonitor.PassResult down = monitor.pass();
            assertEquals("web", down.source());
            assertEquals(ip("81.2.69.170"), down.wanAddress().orElseThrow().ipv4());
            assertEquals(2, server.getRequestCount());

            routerUp[0] = true;
            clock.advance(Duration.ofMinutes(10)); // past the echo's interval and the router's back-off
            WanMonitor.PassResult up = monitor.pass();
            assertEquals("upnp", up.source());
            assertEquals(2, server.getRequestCount(), "the echo is not asked while the router answers");
        } finally {
            dispatcher.close();
        }
    }
}
