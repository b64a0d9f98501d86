package dev.wanagent.upnp;

import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The callback listener's acceptance rules, on loopback (127.0.0.1 plays this host, the router varies). */
class EventSubscriptionTest {
    private static final String BODY = "<?xml version=\"1.0\"?><e:propertyset xmlns:e=\"urn:schemas-upnp-org:event-1-0\">"
            + "<e:property><ExternalIPAddress>11.22.33.45</ExternalIPAddress></e:property>"
            + "<e:property><ConnectionStatus>Connected</ConnectionStatus></e:property></e:propertyset>";
    private final List<Map<String, String>> heard = new CopyOnWriteArrayList<>();
    private final OkHttpClient http = new OkHttpClient();
    private EventSubscription subscription;

    private EventSubscription listening(String router) throws Exception {
        GatewayDescription.WanService service = new GatewayDescription.WanService(
                "urn:schemas-upnp-org:service:WANIPConnection:2", HttpUrl.get("http://127.0.0.9:9/ctl"),
                HttpUrl.get("http://127.0.0.9:9/evt"));
        subscription = new EventSubscription(service, InetAddress.getByName(router), InetAddress.getLoopbackAddress(),
                0, new EventSubscription.Listener() {
                    @Override
                    public void onEvent(Map<String, String> variables) {
                        heard.add(variables);
                    }

                    @Override
                    public void onResubscribed() {
                    }
                }, failures -> Duration.ofHours(1));
        subscription.sid = "uuid:current";
        return subscription;
    }

    @AfterEach
    void close() {
        if (subscription != null) subscription.close();
    }

    private int notify(String url, String sid, String body) throws Exception {
        Request r = new Request.Builder().url(url).method("NOTIFY", RequestBody.create(body.getBytes(StandardCharsets.UTF_8),
                        MediaType.get("text/xml"))).header("NT", "upnp:event").header("NTS", "upnp:propchange")
                .header("SID", sid).build();
        try (Response response = http.newCall(r).execute()) {
            return response.code();
        }
    }

    @Test
    void acceptsTheRoutersEventWithTheCurrentSid() throws Exception {
        EventSubscription s = listening("127.0.0.1");
        assertEquals(200, notify(s.callbackUrl(), "uuid:current", BODY));
        for (int i = 0; i < 200 && heard.isEmpty(); i++) Thread.sleep(10); // answered first, then handed over
        assertEquals(List.of(Map.of("ExternalIPAddress", "11.22.33.45", "ConnectionStatus", "Connected")), heard);
    }

    @Test
    void refusesEventsFromAnyoneButTheRouter() throws Exception {
        EventSubscription s = listening("127.0.0.2"); // the router is elsewhere; this NOTIFY comes from 127.0.0.1
        assertEquals(412, notify(s.callbackUrl(), "uuid:current", BODY));
        assertTrue(heard.isEmpty());
    }

    @Test
    void refusesWrongSidWrongPathAndBadBodies() throws Exception {
        EventSubscription s = listening("127.0.0.1");
        assertEquals(412, notify(s.callbackUrl(), "uuid:stale", BODY));
        String base = s.callbackUrl().substring(0, s.callbackUrl().indexOf("/wan-agent/"));
        assertEquals(404, notify(base + "/wan-agent/events/guessed", "uuid:current", BODY));
        assertEquals(400, notify(s.callbackUrl(), "uuid:current",
                "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><e:propertyset xmlns:e=\"x\"><e:property>"
                        + "<ExternalIPAddress>&e;</ExternalIPAddress></e:property></e:propertyset>"));
        assertEquals(413, notify(s.callbackUrl(), "uuid:current", "<a>" + "x".repeat(EventSubscription.MAX_NOTIFY_BYTES) + "</a>"));
        assertTrue(heard.isEmpty(), heard.toString());
        assertTrue(s.callbackUrl().matches("http://127\\.0\\.0\\.1:\\d+/wan-agent/events/[0-9a-f]{24}"), s.callbackUrl());
    }

    /** What the raw listener answers to {@code raw} (the status of its answer, or -1 when it just closes). */
    private static int raw(String url, byte[] raw) throws Exception {
        HttpUrl u = HttpUrl.get(url);
        try (java.net.Socket c = new java.net.Socket(u.host(), u.port())) {
            c.setSoTimeout(10_000);
            c.getOutputStream().write(raw);
            c.shutdownOutput();
            String answer = new String(c.getInputStream().readNBytes(200), StandardCharsets.ISO_8859_1);
            return answer.startsWith("HTTP/1.1 ") ? Integer.parseInt(answer.substring(9, 12)) : -1;
        }
    }

    @Test
    void badRequestsAreRefusedAndTheListenerGoesOn() throws Exception {
        EventSubscription s = listening("127.0.0.1");
        assertEquals(400, raw(s.callbackUrl(), "\u0000\u00ff junk\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)));
        assertEquals(501, raw(s.callbackUrl(), ("NOTIFY " + HttpUrl.get(s.callbackUrl()).encodedPath()
                + " HTTP/1.1\r\nSID: uuid:current\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1)));
        assertEquals(431, raw(s.callbackUrl(), ("NOTIFY / HTTP/1.1\r\nX: " + "x".repeat(20_000) + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1)));
        assertEquals(-1, raw(s.callbackUrl(), "NOTIFY / HTTP/1.1\r\nSID: uuid:cu".getBytes(StandardCharsets.ISO_8859_1)));
        assertTrue(heard.isEmpty(), heard.toString());
        assertEquals(200, notify(s.callbackUrl(), "uuid:current", BODY));
        for (int i = 0; i < 200 && heard.isEmpty(); i++) Thread.sleep(10);
        assertEquals(1, heard.size());
    }

    /** One thread listens: a peer that connects and sends nothing holds it at most REQUEST_MILLIS. */
    @Test
    void aSilentPeerDelaysTheRoutersEventAtMostTheRequestLimit() throws Exception {
        EventSubscription s = listening("127.0.0.1");
        HttpUrl u = HttpUrl.get(s.callbackUrl());
        try (java.net.Socket silent = new java.net.Socket(u.host(), u.port())) {
            Thread.sleep(100); // accepted, now being read
            long t0 = System.nanoTime();
            assertEquals(200, notify(s.callbackUrl(), "uuid:current", BODY));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms < EventSubscription.REQUEST_MILLIS + 1500, ms + " ms");
            assertEquals(-1, silent.getInputStream().read(), "the silent peer is closed without an answer");
        }
    }

    // ---- subscribing, renewing, losing: the router's event URL is a MockWebServer; attempts run one at a time ----

    private final List<String> told = new CopyOnWriteArrayList<>();
    private final List<Integer> retriesAskedFor = new CopyOnWriteArrayList<>();

    private EventSubscription.Listener telling() {
        return new EventSubscription.Listener() {
            @Override
            public void onEvent(Map<String, String> variables) {
            }

            @Override
            public void onResubscribed() {
                told.add("resubscribed");
            }

            @Override
            public void onLost(String why) {
                told.add("lost: " + why);
            }
        };
    }

    private EventSubscription subscribingTo(MockWebServer router, Duration retry) throws Exception {
        GatewayDescription.WanService service = new GatewayDescription.WanService(
                "urn:schemas-upnp-org:service:WANIPConnection:2", at(router, "/ctl"), at(router, "/evt"));
        subscription = new EventSubscription(service, InetAddress.getLoopbackAddress(),
                InetAddress.getLoopbackAddress(), 0, telling(), failures -> {
                    retriesAskedFor.add(failures);
                    return retry;
                });
        return subscription;
    }

    /** The router's URL by IP address, as a description gives it (MockWebServer names it "localhost"). */
    private static HttpUrl at(MockWebServer router, String path) {
        return router.url(path).newBuilder().host("127.0.0.1").build();
    }

    private static MockResponse granted(String sid) {
        return new MockResponse.Builder().code(200).addHeader("SID", sid).addHeader("TIMEOUT", "Second-1800").build();
    }

    private static MockResponse answer(int code) {
        return new MockResponse.Builder().code(code).build();
    }

    @Test
    void theRetryDelayIsAskedForWithTheNumberOfConsecutiveFailures() throws Exception {
        try (MockWebServer router = new MockWebServer()) {
            router.start(InetAddress.getLoopbackAddress(), 0);
            for (MockResponse r : List.of(answer(500), answer(500), answer(503), granted("uuid:1"), answer(412),
                    answer(500))) {
                router.enqueue(r);
            }
            EventSubscription s = subscribingTo(router, Duration.ofHours(1));
            for (int i = 0; i < 5; i++) s.renewOrSubscribe();
            assertEquals(List.of(1, 2, 3, 1), retriesAskedFor, "1, 2, 3; counted anew after the success");
            assertEquals(6, router.getRequestCount());
            RecordedRequest first = router.takeRequest(1, TimeUnit.SECONDS);
            assertEquals("SUBSCRIBE", first.getMethod());
            assertEquals("<" + s.callbackUrl() + ">", first.getHeaders().get("CALLBACK"));
            for (int i = 0; i < 3; i++) router.takeRequest(1, TimeUnit.SECONDS);
            assertEquals("uuid:1", router.takeRequest(1, TimeUnit.SECONDS).getHeaders().get("SID"), "a renewal");
        }
    }

    @Test
    void aFailedRenewalIsToldOnceAsALoss() throws Exception {
        try (MockWebServer router = new MockWebServer()) {
            router.start(InetAddress.getLoopbackAddress(), 0);
            for (MockResponse r : List.of(granted("uuid:1"), answer(412), answer(500), answer(500), granted("uuid:2"),
                    answer(412), granted("uuid:3"))) {
                router.enqueue(r);
            }
            EventSubscription s = subscribingTo(router, Duration.ofHours(1));
            s.renewOrSubscribe();
            assertEquals(List.of(), told);
            s.renewOrSubscribe(); // renewal 412, subscribing anew 500
            s.renewOrSubscribe(); // 500 again: the same loss
            assertEquals(1, told.size(), told.toString());
            assertTrue(told.get(0).startsWith("lost: renewing the event subscription failed: SUBSCRIBE "), told.get(0));
            assertTrue(told.get(0).endsWith("HTTP 412"), told.get(0));
            s.renewOrSubscribe();
            assertEquals("resubscribed", told.get(1));
            assertEquals("uuid:2", s.sid);
            s.renewOrSubscribe(); // another loss, made good at once
            assertEquals(List.of("lost", "resubscribed", "lost", "resubscribed"),
                    told.stream().map(t -> t.replaceFirst(":.*", "")).toList());
        }
    }

    @Test
    void failingToSubscribeTheFirstTimeIsNoLoss() throws Exception {
        try (MockWebServer router = new MockWebServer()) {
            router.start(InetAddress.getLoopbackAddress(), 0);
            router.enqueue(answer(500));
            router.enqueue(answer(500));
            EventSubscription s = subscribingTo(router, Duration.ofHours(1));
            s.renewOrSubscribe();
            s.renewOrSubscribe();
            assertEquals(List.of(), told, "nothing was lost");
            assertEquals(List.of(1, 2), retriesAskedFor);
        }
    }

    @Test
    void theFirstFailedAttemptAfterResubscribeIsALoss() throws Exception {
        try (MockWebServer router = new MockWebServer()) {
            router.start(InetAddress.getLoopbackAddress(), 0);
            router.enqueue(granted("uuid:1"));
            router.enqueue(new MockResponse.Builder().code(500).build());
            EventSubscription s = subscribingTo(router, Duration.ofHours(1));
            s.renewOrSubscribe();
            s.resubscribe(); // the router restarted: subscribe anew now, on the subscription's own thread
            for (int i = 0; i < 500 && told.isEmpty(); i++) Thread.sleep(10);
            assertEquals(1, told.size(), told.toString());
            assertTrue(told.get(0).startsWith("lost: subscribing anew to router events failed: "), told.get(0));
            assertFalse(s.active());
        }
    }

    @Test
    void startSubscribesAtOnceAndRetriesAfterTheCallersDelay() throws Exception {
        try (MockWebServer router = new MockWebServer()) {
            router.start(InetAddress.getLoopbackAddress(), 0);
            router.enqueue(answer(500));
            router.enqueue(granted("uuid:7"));
            GatewayDescription.WanService service = new GatewayDescription.WanService(
                    "urn:schemas-upnp-org:service:WANIPConnection:2", at(router, "/ctl"), at(router, "/evt"));
            InternetGateway gateway = new InternetGateway(new GatewayDescription(at(router, "/rootDesc.xml"), "", "",
                    "", List.of(service)), service, InetAddress.getLoopbackAddress(), Optional.empty());
            subscription = EventSubscription.start(gateway, 0, telling(), failures -> {
                retriesAskedFor.add(failures);
                return Duration.ofMillis(20);
            });
            // the listener hears of it just after the SID is in place: wait for both
            for (int i = 0; i < 500 && (!subscription.active() || told.isEmpty()); i++) Thread.sleep(10);
            assertTrue(subscription.active());
            assertEquals(List.of(1), retriesAskedFor);
            assertEquals(List.of("resubscribed"), told);
        }
    }

    @Test
    void aSubscribeAnswerMustGiveASidThatCanBeSentBack() throws Exception {
        HttpUrl events = HttpUrl.get("http://192.168.77.1:5000/evt/IPConn");
        assertEquals(new EventSubscription.Granted("uuid:1", 300),
                EventSubscription.granted(events, 200, " uuid:1 ", "Second-300", null));
        UpnpException e = assertThrows(UpnpException.class,
                () -> EventSubscription.granted(events, 200, "uuid:\u007f1", "Second-300", null));
        assertEquals("SUBSCRIBE http://192.168.77.1:5000/evt/IPConn: the SID in the answer is not printable ASCII"
                + " (at most 256 characters)", e.getMessage());
        assertThrows(UpnpException.class, () -> EventSubscription.granted(events, 200, "uuid:2", null, "uuid:1"));
        assertThrows(UpnpException.class, () -> EventSubscription.granted(events, 412, "uuid:1", null, null));
    }

    @Test
    void aGrantedTimeoutIsAtMostTheRequestedOne() throws Exception {
        HttpUrl events = HttpUrl.get("http://192.168.77.1:5000/evt/IPConn");
        for (String t : List.of("Second-99999999999999999999", "Second-" + Long.MAX_VALUE, "Second-86400",
                "Second-infinite", "garbage")) {
            assertEquals(EventSubscription.REQUESTED_TIMEOUT_SECONDS,
                    EventSubscription.granted(events, 200, "uuid:1", t, null).seconds(), t);
        }
        assertEquals(0, EventSubscription.granted(events, 200, "uuid:1", "Second-0", null).seconds());
    }

    @Test
    void eventedValuesArePrintable() throws Exception {
        Map<String, String> vars = EventSubscription.properties(("<e:propertyset xmlns:e=\"urn:schemas-upnp-org:event-1-0"
                + "\"><e:property><ExternalIPAddress>11.22.33.45&#13;&#10;[main] INFO forged</ExternalIPAddress>"
                + "</e:property></e:propertyset>").getBytes(StandardCharsets.UTF_8));
        assertEquals(Map.of("ExternalIPAddress", "11.22.33.45??[main] INFO forged"), vars);
    }
}
