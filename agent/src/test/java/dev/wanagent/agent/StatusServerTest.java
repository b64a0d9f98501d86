package dev.wanagent.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StatusServerTest {
    private static final StateStore.State STATE = StateStore.State.empty()
            .withWan("11.22.33.44", "upnp", Instant.parse("2026-11-25T10:00:00Z"))
            .with(new StateStore.RecordState("dyndns2 me@dyn.example.net", "home.example.net", StateStore.RecordType.A,
                    "11.22.33.44", Instant.parse("2026-11-25T10:00:01Z"), StateStore.Status.SUCCESS,
                    "good 11.22.33.44", "11.22.33.44", 0, null, "ab12"));

    private static final Instant PASS_AT = Instant.parse("2026-11-25T10:00:02Z");
    private static final Duration POLL = Duration.ofMinutes(5);

    private static WanMonitor.PassResult pass(String wan, List<MappingReconciler.MappingStatus> mappings,
                                              List<UpdateDispatcher.RecordResult> records) throws Exception {
        return new WanMonitor.PassResult(wan == null ? Optional.empty()
                : Optional.of(new WanAddress(InetAddress.getByName(wan),
                        Optional.of(InetAddress.getByName("2a00:1111::44")))), wan == null ? "" : "upnp",
                wan == null ? List.of("upnp: no answer from 192.168.77.1:5000") : List.of(), mappings, records);
    }

    private static WanMonitor.PassResult healthyPass() throws Exception {
        return pass("11.22.33.44",
                List.of(new MappingReconciler.MappingStatus("web", true, "TCP 8080 -> 192.168.77.100:80")),
                List.of(new UpdateDispatcher.RecordResult("dyndns2 me@dyn.example.net", "home.example.net", "A", true,
                        "unchanged (good 11.22.33.44)")));
    }

    private static StatusServer server(Optional<String> token, Supplier<StatusServer.Snapshot> last, Clock clock,
                                       Consumer<String> trigger) throws Exception {
        return new StatusServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), token, () -> STATE,
                last, POLL, clock, trigger);
    }

    private static StatusServer server(Optional<String> token) throws Exception {
        StatusServer.Snapshot snapshot = new StatusServer.Snapshot(healthyPass(), PASS_AT);
        return server(token, () -> snapshot, new MutableClock(PASS_AT.plusSeconds(1)), why -> { });
    }

    private static final OkHttpClient CLIENT = new OkHttpClient.Builder().callTimeout(Duration.ofSeconds(3)).build();

    private static String url(StatusServer s) {
        return url(s, "/status");
    }

    private static String url(StatusServer s, String path) {
        return "http://127.0.0.1:" + s.address().getPort() + path;
    }

    /** code, then the body. */
    private static String[] call(StatusServer s, String method, String path, String auth) throws Exception {
        Request.Builder b = new Request.Builder().url(url(s, path))
                .method(method, !method.equals("GET") ? okhttp3.RequestBody.create(new byte[0], null) : null);
        if (auth != null) b.header("Authorization", auth);
        try (Response r = CLIENT.newCall(b.build()).execute()) {
            return new String[] {Integer.toString(r.code()), r.body().string(), r.header("Content-Type")};
        }
    }

    @Test
    void servesTheStateAndTheLastPassAsJson() throws Exception {
        try (StatusServer server = server(Optional.empty())) {
            try (Response r = CLIENT.newCall(new Request.Builder().url(url(server)).build()).execute()) {
                assertEquals(200, r.code());
                assertEquals("application/json", r.header("Content-Type"));
                JsonNode doc = new ObjectMapper().readTree(r.body().string());
                assertEquals("11.22.33.44", doc.path("wan").path("address").asText());
                assertEquals("upnp", doc.path("wan").path("source").asText());
                assertEquals("2026-11-25T10:00:00Z", doc.path("wan").path("seenAt").asText());
                assertEquals("2a00:1111:0:0:0:0:0:44", doc.path("wan").path("ipv6").asText());
                assertEquals("2026-11-25T10:00:02Z", doc.path("lastPass").asText());
                assertEquals("web", doc.path("mappings").get(0).path("name").asText());
                assertEquals("SUCCESS", doc.path("records").get(0).path("status").asText());
                assertEquals("home.example.net", doc.path("records").get(0).path("hostname").asText());
                assertEquals("2026-11-25T10:00:01Z", doc.path("records").get(0).path("updatedAt").asText());
            }
            try (Response r = CLIENT.newCall(new Request.Builder().url(url(server))
                    .post(okhttp3.RequestBody.create(new byte[0], null)).build()).execute()) {
                assertEquals(405, r.code());
            }
        }
    }

    @Test
    void withATokenOnlyTheBearerOfItIsAnswered() throws Exception {
        String token = "k3Hq9v-status-token-0123456789";
        try (StatusServer server = server(Optional.of(token))) {
            for (String auth : new String[] {null, "Bearer wrong-token-of-some-length", "Basic " + token, "Bearer "}) {
                Request.Builder b = new Request.Builder().url(url(server));
                if (auth != null) b.header("Authorization", auth);
                try (Response r = CLIENT.newCall(b.build()).execute()) {
                    assertEquals(401, r.code(), String.valueOf(auth));
                    assertEquals("", r.body().string(), "nothing of the state without the token");
                }
            }
            try (Response r = CLIENT.newCall(new Request.Builder().url(url(server))
                    .header("Authorization", "Bearer " + token).build()).execute()) {
                assertEquals(200, r.code());
            }
        }
    }

    @Test
    void healthzIsOkAfterARecentCleanPassAndSaysWhyNotOtherwise() throws Exception {
        AtomicReference<StatusServer.Snapshot> last = new AtomicReference<>();
        MutableClock clock = new MutableClock(PASS_AT.minusSeconds(1));
        try (StatusServer server = server(Optional.empty(), last::get, clock, why -> { })) {
            String[] r = call(server, "GET", "/healthz", null);
            assertEquals("503", r[0]);
            assertEquals("starting\n", r[1]);
            assertEquals("text/plain; charset=utf-8", r[2]);

            last.set(new StatusServer.Snapshot(healthyPass(), PASS_AT));
            clock.set(PASS_AT.plusSeconds(1));
            r = call(server, "GET", "/healthz", null);
            assertEquals("200", r[0]);
            assertEquals("ok\n", r[1]);

            clock.set(PASS_AT.plus(POLL.multipliedBy(2))); // still within two poll intervals
            assertEquals("200", call(server, "GET", "/healthz", null)[0]);
            clock.set(PASS_AT.plus(POLL.multipliedBy(2)).plusSeconds(1));
            r = call(server, "GET", "/healthz", null);
            assertEquals("503", r[0]);
            assertEquals("no WAN address read since 2026-11-25T10:00:02Z (poll every 300 s)\n", r[1]);

            clock.set(PASS_AT.plusSeconds(1));
            last.set(new StatusServer.Snapshot(pass(null, List.of(), List.of()), PASS_AT));
            r = call(server, "GET", "/healthz", null);
            assertEquals("503", r[0]);
            assertEquals("no WAN address in the last pass (2026-11-25T10:00:02Z): upnp: no answer from"
                    + " 192.168.77.1:5000\n", r[1]);

            last.set(new StatusServer.Snapshot(pass("11.22.33.44",
                    List.of(new MappingReconciler.MappingStatus("web", false,
                            "the router refused: 718 ConflictInMappingEntry")),
                    healthyPass().records()), PASS_AT));
            r = call(server, "GET", "/healthz", null);
            assertEquals("503", r[0]);
            assertEquals("mapping web: the router refused: 718 ConflictInMappingEntry\n", r[1]);

            last.set(new StatusServer.Snapshot(pass("11.22.33.44", healthyPass().mappings(), List.of(
                    new UpdateDispatcher.RecordResult("dyndns2 me@dyn.example.net", "home.example.net", "A", false,
                            "backing off until 2026-11-25T10:02:00Z after: 911"),
                    new UpdateDispatcher.RecordResult("dyndns2 me@dyn.example.net", "home.example.net", "AAAA", false,
                            "stopped: badauth (until the provider's config changes)"))), PASS_AT));
            r = call(server, "GET", "/healthz", null);
            assertEquals("503", r[0]);
            assertEquals("dns home.example.net A via dyndns2 me@dyn.example.net: backing off until"
                    + " 2026-11-25T10:02:00Z after: 911 (and 1 more)\n", r[1]);
        }
    }

    @Test
    void aWanAddressThatCannotBePublishedIsUnhealthy() throws Exception {
        StatusServer.Snapshot cgnat = new StatusServer.Snapshot(pass("100.64.1.2", List.of(), List.of(
                new UpdateDispatcher.RecordResult("dyndns2 me@dyn.example.net", "home.example.net", "A", false,
                        "not published: 100.64.1.2 it is a carrier-grade NAT address"))), PASS_AT);
        try (StatusServer server = server(Optional.empty(), () -> cgnat, new MutableClock(PASS_AT), why -> { })) {
            String[] r = call(server, "GET", "/healthz", null);
            assertEquals("503", r[0]);
            assertTrue(r[1].startsWith("WAN address 100.64.1.2 (upnp) is not public: it is a carrier-grade NAT"), r[1]);
        }
        // without any DNS record too: the mappings are not reachable from the internet
        assertTrue(StatusServer.health(new StatusServer.Snapshot(pass("100.64.1.2", List.of(), List.of()), PASS_AT),
                PASS_AT, POLL).isPresent());
    }

    @Test
    void theReasonIsOnePrintableLineOfAtMost300Characters() throws Exception {
        String hostile = "evil\r\nX-Injected: 1\u2028\u0085\u202e" + "y".repeat(1000);
        StatusServer.Snapshot s = new StatusServer.Snapshot(pass("11.22.33.44",
                List.of(new MappingReconciler.MappingStatus("web", false, hostile),
                        new MappingReconciler.MappingStatus("ssh", false, "x")), List.of()), PASS_AT);
        String reason = StatusServer.health(s, PASS_AT, POLL).orElseThrow();
        assertTrue(reason.codePointCount(0, reason.length()) <= StatusServer.MAX_REASON, reason);
        assertTrue(reason.startsWith("mapping web: evil??X-Injected: 1???yyy"), reason);
        assertTrue(reason.endsWith("… (and 1 more)"), reason);
        assertTrue(reason.codePoints().allMatch(c -> c >= 0x20 && !Character.isISOControl(c)));
        try (StatusServer server = server(Optional.empty(), () -> s, new MutableClock(PASS_AT), why -> { })) {
            String[] r = call(server, "GET", "/healthz", null);
            assertEquals("503", r[0]);
            assertEquals(reason + "\n", r[1]);
        }
    }

    @Test
    void triggerAsksForOnePassASecond() throws Exception {
        List<String> asked = new CopyOnWriteArrayList<>();
        MutableClock clock = new MutableClock(PASS_AT);
        StatusServer.Snapshot snapshot = new StatusServer.Snapshot(healthyPass(), PASS_AT);
        try (StatusServer server = server(Optional.empty(), () -> snapshot, clock, asked::add)) {
            String[] r = call(server, "POST", "/trigger", null);
            assertEquals("202", r[0]);
            assertEquals("pass requested\n", r[1]);
            assertEquals(List.of("POST /trigger from 127.0.0.1"), asked);
            clock.set(PASS_AT.plusMillis(999));
            for (int i = 0; i < 5; i++) assertEquals("202", call(server, "POST", "/trigger", null)[0]);
            assertEquals(1, asked.size(), "coalesced within the second");
            clock.set(PASS_AT.plusSeconds(1));
            assertEquals("202", call(server, "POST", "/trigger", null)[0]);
            assertEquals(2, asked.size());
            clock.set(PASS_AT.minusSeconds(3600)); // the system time was set back: not blocked for an hour
            assertEquals("202", call(server, "POST", "/trigger", null)[0]);
            assertEquals(3, asked.size());

            clock.set(PASS_AT.plusSeconds(10));
            assertEquals("405", call(server, "GET", "/trigger", null)[0]);
            assertEquals("405", call(server, "PUT", "/trigger", null)[0]);
            assertEquals("405", call(server, "POST", "/healthz", null)[0]);
            assertEquals(3, asked.size());
            for (String path : new String[] {"/", "/nope", "/status/x", "/statusx", "/healthz/", "/trigger/now"}) {
                assertEquals("404", call(server, "GET", path, null)[0], path);
                assertEquals("404", call(server, "POST", path, null)[0], path);
            }
            assertEquals(3, asked.size());
        }
    }

    @Test
    void healthzAndTriggerNeedTheTokenToo() throws Exception {
        String token = "k3Hq9v-status-token-0123456789";
        List<String> asked = new CopyOnWriteArrayList<>();
        StatusServer.Snapshot snapshot = new StatusServer.Snapshot(healthyPass(), PASS_AT);
        try (StatusServer server = server(Optional.of(token), () -> snapshot, new MutableClock(PASS_AT), asked::add)) {
            for (String auth : new String[] {null, "Bearer wrong-token-of-some-length", "Basic " + token}) {
                String[] r = call(server, "GET", "/healthz", auth);
                assertEquals("401", r[0]);
                assertEquals("", r[1]);
                r = call(server, "POST", "/trigger", auth);
                assertEquals("401", r[0]);
                assertEquals("", r[1]);
                assertEquals("401", call(server, "GET", "/nope", auth)[0]);
            }
            assertFalse(asked.size() > 0, "no pass without the token");
            assertEquals("200", call(server, "GET", "/healthz", "Bearer " + token)[0]);
            assertEquals("202", call(server, "POST", "/trigger", "Bearer " + token)[0]);
            assertEquals(1, asked.size());
            assertEquals("404", call(server, "GET", "/nope", "Bearer " + token)[0]);
        }
    }

    @Test
    void metricsAreServedInTheTextFormatBehindTheSameToken() throws Exception {
        String token = "k3Hq9v-status-token-0123456789";
        Metrics metrics = new Metrics();
        metrics.wanChanged("ipv4");
        StatusServer.Snapshot snapshot = new StatusServer.Snapshot(healthyPass(), PASS_AT);
        try (StatusServer server = new StatusServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                Optional.of(token), () -> STATE, () -> snapshot, POLL, new MutableClock(PASS_AT), why -> { },
                metrics)) {
            for (String auth : new String[] {null, "Bearer wrong-token-of-some-length"}) {
                String[] r = call(server, "GET", "/metrics", auth);
                assertEquals("401", r[0]);
                assertEquals("", r[1]);
            }
            String[] r = call(server, "GET", "/metrics", "Bearer " + token);
            assertEquals("200", r[0]);
            assertEquals("text/plain; version=0.0.4; charset=utf-8", r[2]);
            var families = PrometheusText.parse(r[1]);
            assertEquals(1, PrometheusText.value(families, "wan_agent_wan_changes_total", java.util.Map.of("family",
                    "ipv4")));
            assertTrue(PrometheusText.value(families, "wan_agent_process_resident_memory_bytes", java.util.Map.of())
                    > 1_000_000, "this JVM's RSS");
            assertEquals("405", call(server, "POST", "/metrics", "Bearer " + token)[0]);
        }
        try (StatusServer server = server(Optional.empty())) {
            assertEquals("404", call(server, "GET", "/metrics", null)[0], "no metrics kept: no path");
        }
    }

    /** Opens {@code n} connections that send half a request line and then nothing. */
    private static List<Socket> slowClients(StatusServer server, int n) throws Exception {
        List<Socket> slow = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Socket s = new Socket(InetAddress.getLoopbackAddress(), server.address().getPort());
            OutputStream o = s.getOutputStream();
            o.write("GET /status HTTP/1.1\r\nHo".getBytes(StandardCharsets.US_ASCII)); // and never more
            o.flush();
            slow.add(s);
        }
        Thread.sleep(300);
        return slow;
    }

    private static long getMillis(StatusServer server, OkHttpClient client) throws Exception {
        long t0 = System.nanoTime();
        try (Response r = client.newCall(new Request.Builder().url(url(server)).build()).execute()) {
            assertEquals(200, r.code());
        }
        return (System.nanoTime() - t0) / 1_000_000;
    }

    @Test
    void aSlowClientDoesNotBlockThePage() throws Exception {
        try (StatusServer server = server(Optional.empty())) {
            List<Socket> slow = slowClients(server, StatusServer.THREADS - 1);
            try {
                long ms = getMillis(server, CLIENT); // the call itself gives up after 3 s
                assertTrue(ms < 3000, ms + " ms");
            } finally {
                for (Socket s : slow) s.close();
            }
        }
    }

    @Test
    void aClientThatNeverFinishesItsRequestIsCutOffAfterTheTimeLimit() throws Exception {
        try (StatusServer server = server(Optional.empty())) {
            List<Socket> slow = slowClients(server, 1);
            Socket s = slow.get(0);
            try {
                s.setSoTimeout((StatusServer.MAX_REQUEST_SECONDS + 5) * 1000);
                long t0 = System.nanoTime();
                int read;
                try {
                    read = s.getInputStream().read();
                } catch (java.net.SocketException reset) {
                    read = -1;
                }
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertEquals(-1, read, "the server closes the connection, it does not answer");
                assertTrue(ms < (StatusServer.MAX_REQUEST_SECONDS + 3) * 1000L, ms + " ms");
                getMillis(server, CLIENT); // and the page is served as before (getMillis asserts 200)
            } finally {
                s.close();
            }
        }
    }

    /** Sends {@code request} on a new connection and reads the whole answer (the server closes the connection). */
    private static String exchange(StatusServer server, String request) throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.address().getPort())) {
            s.setSoTimeout(3000);
            OutputStream o = s.getOutputStream();
            o.write(request.getBytes(StandardCharsets.ISO_8859_1));
            o.flush();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void aRequestTheReaderRefusesIsAnsweredWithItsStatusAndTheServerGoesOn() throws Exception {
        List<String> asked = new CopyOnWriteArrayList<>();
        StatusServer.Snapshot snapshot = new StatusServer.Snapshot(healthyPass(), PASS_AT);
        try (StatusServer server = server(Optional.empty(), () -> snapshot, new MutableClock(PASS_AT), asked::add)) {
            String chunked = exchange(server, "POST /trigger HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                    + "\r\n0\r\n\r\n");
            assertTrue(chunked.startsWith("HTTP/1.1 501 "), chunked);
            assertTrue(chunked.contains("\r\nConnection: close\r\n"), chunked);
            assertEquals(List.of(), asked, "a refused trigger asks for nothing");
            String junk = exchange(server, "hello there\r\n\r\n");
            assertTrue(junk.startsWith("HTTP/1.1 400 "), junk);
            String huge = exchange(server, "GET /status HTTP/1.1\r\nX: " + "a".repeat(9000) + "\r\n\r\n");
            assertTrue(huge.startsWith("HTTP/1.1 431 "), huge);
            String body = exchange(server, "POST /trigger HTTP/1.1\r\nContent-Length: "
                    + (StatusServer.MAX_BODY_BYTES + 1) + "\r\n\r\n");
            assertTrue(body.startsWith("HTTP/1.1 413 "), body);
            String twice = exchange(server, "GET /status HTTP/1.1\r\nAuthorization: a\r\nAuthorization: b\r\n\r\n");
            assertTrue(twice.startsWith("HTTP/1.1 400 "), twice);
            assertEquals(List.of(), asked);

            String ok = exchange(server, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals("HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 3\r\n"
                    + "Cache-Control: no-store\r\nConnection: close\r\n\r\nok\n", ok);
            String wrong = exchange(server, "DELETE /trigger HTTP/1.0\r\n\r\n");
            assertTrue(wrong.startsWith("HTTP/1.1 405 ") && wrong.contains("\r\nAllow: POST\r\n"), wrong);
            String trigger = exchange(server, "POST /trigger?now HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}");
            assertTrue(trigger.startsWith("HTTP/1.1 202 "), trigger);
            assertEquals(1, asked.size());
        }
    }

    @Test
    void theUnauthorizedAreToldTheRealm() throws Exception {
        try (StatusServer server = server(Optional.of("k3Hq9v-status-token-0123456789"))) {
            assertEquals("HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n"
                    + "WWW-Authenticate: Bearer realm=\"wan-agent\"\r\nConnection: close\r\n\r\n",
                    exchange(server, "GET /status HTTP/1.1\r\n\r\n"));
        }
    }

    @Test
    void connectionsBeyondThePoolAndItsQueueAreClosedAndThePageIsServedAfterwards() throws Exception {
        try (StatusServer server = server(Optional.empty())) {
            int extra = 4;
            List<Socket> slow = slowClients(server, StatusServer.THREADS + StatusServer.QUEUE + extra);
            try {
                // the pool's threads wait for the first ones, the queue holds the next: the last are closed at once
                for (Socket s : slow.subList(slow.size() - extra, slow.size())) {
                    s.setSoTimeout(2000);
                    int read;
                    try {
                        read = s.getInputStream().read();
                    } catch (java.net.SocketException reset) {
                        read = -1;
                    }
                    assertEquals(-1, read, "closed, not left open");
                }
            } finally {
                for (Socket s : slow) s.close();
            }
            long ms = getMillis(server, CLIENT);
            assertTrue(ms < 3000, ms + " ms");
        }
    }

    @Test
    void theListenerThreadEndsOnClose() throws Exception {
        StatusServer server = server(Optional.empty());
        getMillis(server, CLIENT);
        assertTrue(listenerThreads().size() >= 1, "one thread sleeps in accept()");
        server.close();
        assertEquals(List.of(), listenerThreads());
        try (Socket s = new Socket()) {
            assertThrows(java.io.IOException.class, () -> s.connect(server.address(), 1000), "the port is closed");
        }
    }

    private static List<Thread> listenerThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("status") && t.isAlive()).toList();
    }
}
