package dev.wanagent.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wanagent.config.ConfigLoader;
import dev.wanagent.config.NotifyConfig;
import dev.wanagent.ddns.ProviderHttp;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What each notify: hook sends (per its service's public API), and that a slow or dead hook never holds anyone up. */
class NotifierTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Backoff FAST = new Backoff(Duration.ofMillis(10), Duration.ofMillis(20), 0);
    private static final OkHttpClient HTTP = ProviderHttp.newClient();
    private static final Instant AT = Instant.parse("2026-11-25T10:00:00Z");

    private final MockWebServer server = new MockWebServer();
    private final List<Notifier> made = new ArrayList<>();

    @TempDir
    Path dir;

    @BeforeEach
    void start() throws Exception {
        server.start(InetAddress.getLoopbackAddress(), 0);
    }

    @AfterEach
    void stop() {
        made.forEach(Notifier::close);
        server.close();
    }

    private String base() {
        return "http://127.0.0.1:" + server.getPort();
    }

    private static List<NotifyConfig> hooks(String yaml, Map<String, String> env) throws Exception {
        return new ConfigLoader(env::get).parse("notify:\n" + yaml, "t.yaml").notifications();
    }

    private Notifier notifier(List<NotifyConfig> hooks, Metrics metrics) {
        Notifier n = new Notifier(hooks, HTTP, metrics, FAST, () -> 0.5);
        made.add(n);
        return n;
    }

    private static final Notifier.Event WAN_CHANGE = new Notifier.Event("wan_change",
            "WAN address changed to 11.22.33.45 (ipv4, was 11.22.33.44, from upnp)", "11.22.33.45", "ipv4", "", "", AT);

    private RecordedRequest sendOne(String yaml, Map<String, String> env, Notifier.Event e) throws Exception {
        server.enqueue(new MockResponse.Builder().code(200).body("{}").build());
        notifier(hooks(yaml, env), null).send(e);
        RecordedRequest r = server.takeRequest(5, TimeUnit.SECONDS);
        assertTrue(r != null, "no request reached the hook");
        assertTrue(r.getHeaders().get("User-Agent").startsWith("wan-agent/"));
        return r;
    }

    private static JsonNode body(RecordedRequest r) throws Exception {
        assertEquals("application/json; charset=utf-8", r.getHeaders().get("Content-Type"));
        return JSON.readTree(r.getBody().utf8());
    }

    @Test
    void ntfyPublishesJsonToTheServersRootWithTheTopicInside() throws Exception {
        RecordedRequest r = sendOne("""
                  - type: ntfy
                    server: %s
                    topic: wan-agent-home_1
                    token: ${NTFY_TOKEN}
                """.formatted(base()), Map.of("NTFY_TOKEN", "tk_ntfytoken1234567890"), WAN_CHANGE);
        assertEquals("POST /", r.getMethod() + " " + r.getTarget());
        assertEquals("Bearer tk_ntfytoken1234567890", r.getHeaders().get("Authorization"));
        assertEquals(JSON.readTree("""
                {"topic": "wan-agent-home_1", "title": "wan-agent: wan_change",
                 "message": "WAN address changed to 11.22.33.45 (ipv4, was 11.22.33.44, from upnp)"}"""), body(r));
    }

    @Test
    void gotifyPostsAMessageWithTheAppTokenInItsHeader() throws Exception {
        RecordedRequest r = sendOne("""
                  - type: gotify
                    url: %s/
                    token: AppTokenGotify1
                """.formatted(base()), Map.of(), WAN_CHANGE);
        assertEquals("POST /message", r.getMethod() + " " + r.getTarget());
        assertEquals("AppTokenGotify1", r.getHeaders().get("X-Gotify-Key"));
        assertEquals(JSON.readTree("""
                {"title": "wan-agent: wan_change", "priority": 5,
                 "message": "WAN address changed to 11.22.33.45 (ipv4, was 11.22.33.44, from upnp)"}"""), body(r));
    }

    @Test
    void discordGetsContentAndSlackGetsText() throws Exception {
        RecordedRequest d = sendOne("  - type: discord\n    url: " + base() + "/api/webhooks/123/discordSecret\n",
                Map.of(), WAN_CHANGE);
        assertEquals("POST /api/webhooks/123/discordSecret", d.getMethod() + " " + d.getTarget());
        assertEquals(JSON.readTree("{\"content\": \"" + WAN_CHANGE.message() + "\"}"), body(d));
        RecordedRequest s = sendOne("  - type: slack\n    url: " + base() + "/services/T0/B0/slackSecret\n",
                Map.of(), WAN_CHANGE);
        assertEquals("POST /services/T0/B0/slackSecret", s.getMethod() + " " + s.getTarget());
        assertEquals(JSON.readTree("{\"text\": \"" + WAN_CHANGE.message() + "\"}"), body(s));
    }

    @Test
    void telegramCallsSendMessageWithChatIdAndText() throws Exception {
        RecordedRequest r = sendOne("""
                  - type: telegram
                    server: %s
                    botToken: ${TG_TOKEN}
                    chatId: "-1001234567"
                """.formatted(base()), Map.of("TG_TOKEN", "123456:ABCdefGhIJKlmnOPQrstuVWXyz_0123"), WAN_CHANGE);
        assertEquals("POST /bot123456:ABCdefGhIJKlmnOPQrstuVWXyz_0123/sendMessage", r.getMethod() + " " + r.getTarget());
        assertEquals(JSON.readTree("{\"chat_id\": \"-1001234567\", \"text\": \"" + WAN_CHANGE.message() + "\"}"),
                body(r));
    }

    @Test
    void aGenericWebhookFillsItsTemplateWithJsonEscapedValues() throws Exception {
        Notifier.Event hostile = new Notifier.Event("mapping_lost", "mapping \"web\" lost: a\\b\nc {{event}} \u0001",
                "", "", "web \"x\"", "", AT);
        RecordedRequest r = sendOne("""
                  - type: webhook
                    url: %s/hook?k=1
                    method: put
                    headers:
                      X-Token: ${HOOK_TOKEN}
                    body: '{"what": "{{event}}", "text": "{{ message }}", "m": "{{mapping}}", "at": "{{time}}"}'
                """.formatted(base()), Map.of("HOOK_TOKEN", "hook-token-123"), hostile);
        assertEquals("PUT /hook?k=1", r.getMethod() + " " + r.getTarget());
        assertEquals("hook-token-123", r.getHeaders().get("X-Token"));
        JsonNode b = body(r);
        assertEquals("mapping_lost", b.get("what").asText());
        assertEquals(hostile.message(), b.get("text").asText(), "the value comes back as it was, not re-filled");
        assertEquals("web \"x\"", b.get("m").asText());
        assertEquals("2026-11-25T10:00:00Z", b.get("at").asText());
    }

    @Test
    void aWebhookWithoutBodySendsEveryFieldAndGetSendsNone() throws Exception {
        JsonNode b = body(sendOne("  - type: webhook\n    url: " + base() + "/all\n", Map.of(), WAN_CHANGE));
        assertEquals(JSON.readTree("""
                {"event": "wan_change", "message": "%s", "address": "11.22.33.45", "family": "ipv4", "mapping": "",
                 "provider": "", "time": "2026-11-25T10:00:00Z"}""".formatted(WAN_CHANGE.message())), b);
        RecordedRequest get = sendOne("  - type: webhook\n    url: " + base() + "/ping\n    method: GET\n", Map.of(),
                WAN_CHANGE);
        assertEquals("GET /ping", get.getMethod() + " " + get.getTarget());
        assertEquals(0, get.getBody() == null ? 0 : get.getBody().size());
    }

    @Test
    void onlyTheEventsAHookAsksForAreSent() throws Exception {
        server.enqueue(new MockResponse.Builder().code(200).build());
        Notifier n = notifier(hooks("  - type: slack\n    url: " + base() + "/s\n    events: [mapping_lost]\n",
                Map.of()), null);
        n.send(WAN_CHANGE);
        n.send(new Notifier.Event("mapping_lost", "mapping web lost", "", "", "web", "", AT));
        RecordedRequest r = server.takeRequest(5, TimeUnit.SECONDS);
        assertEquals("mapping web lost", body(r).get("text").asText());
        assertNull(server.takeRequest(300, TimeUnit.MILLISECONDS), "wan_change was not asked for");
    }

    @Test
    void aFailedTryIsRetriedAndARefusalIsNot() throws Exception {
        Metrics metrics = new Metrics(dir.resolve("none"));
        server.enqueue(new MockResponse.Builder().code(503).build());
        server.enqueue(new MockResponse.Builder().code(502).build());
        server.enqueue(new MockResponse.Builder().code(200).build());
        server.enqueue(new MockResponse.Builder().code(400).body("{\"ok\":false}").build());
        Notifier n = notifier(hooks("  - type: slack\n    url: " + base() + "/s\n", Map.of()), metrics);
        n.send(WAN_CHANGE);
        for (int i = 0; i < 3; i++) assertTrue(server.takeRequest(5, TimeUnit.SECONDS) != null, "try " + (i + 1));
        n.send(WAN_CHANGE);
        assertTrue(server.takeRequest(5, TimeUnit.SECONDS) != null);
        assertNull(server.takeRequest(300, TimeUnit.MILLISECONDS), "a 400 is not tried again");
        Map<String, PrometheusText.Family> f = PrometheusText.parse(new String(metrics.scrape(), StandardCharsets.UTF_8));
        assertEquals(1, PrometheusText.value(f, "wan_agent_notifications_total", Map.of("result", "sent")));
        assertEquals(1, PrometheusText.value(f, "wan_agent_notifications_total", Map.of("result", "failed")));
    }

    @Test
    void aHooksRetryAfterIsHonoured() throws Exception {
        server.enqueue(new MockResponse.Builder().code(429).setHeader("Retry-After", "1").build());
        server.enqueue(new MockResponse.Builder().code(200).build());
        notifier(hooks("  - type: discord\n    url: " + base() + "/d\n", Map.of()), null).send(WAN_CHANGE);
        assertTrue(server.takeRequest(5, TimeUnit.SECONDS) != null);
        long t0 = System.nanoTime();
        assertTrue(server.takeRequest(5, TimeUnit.SECONDS) != null);
        long waited = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(waited >= 900, "tried again after " + waited + " ms, not after Retry-After: 1");
    }

    @Test
    void aMessageIsOnePrintableLineOfBoundedLength() {
        Notifier.Event e = new Notifier.Event("mapping_lost", "router said \u001b[31mred\u001b[0m\nand " + "x".repeat(5000),
                "", "", "web", "", AT);
        assertEquals(Notifier.MAX_MESSAGE, e.message().codePointCount(0, e.message().length()));
        assertTrue(e.message().startsWith("router said ?[31mred?[0m?and xxx"), e.message());
    }

    @Test
    void aRedirectIsNotFollowed() throws Exception {
        try (MockWebServer elsewhere = new MockWebServer()) {
            elsewhere.start(InetAddress.getLoopbackAddress(), 0);
            for (int i = 0; i < Notifier.ATTEMPTS; i++) {
                server.enqueue(new MockResponse.Builder().code(302)
                        .setHeader("Location", "http://127.0.0.1:" + elsewhere.getPort() + "/steal").build());
            }
            notifier(hooks("  - type: webhook\n    url: " + base() + "/h\n    headers: {X-Token: t0ken-value-1}\n",
                    Map.of()), null).send(WAN_CHANGE);
            for (int i = 0; i < Notifier.ATTEMPTS; i++) assertTrue(server.takeRequest(5, TimeUnit.SECONDS) != null);
            assertNull(elsewhere.takeRequest(300, TimeUnit.MILLISECONDS), "the token never went to the redirect target");
        }
    }

    /** A hook that takes every request and answers none (within any test's time). */
    private static MockWebServer stalled() throws Exception {
        MockWebServer dead = new MockWebServer();
        for (int i = 0; i < 20; i++) {
            dead.enqueue(new MockResponse.Builder().headersDelay(60, TimeUnit.SECONDS).build());
        }
        dead.start(InetAddress.getLoopbackAddress(), 0);
        return dead;
    }

    @Test
    void aDeadHookNeverSlowsTheSenderAndDropsTheOldestWhenItsQueueIsFull() throws Exception {
        Metrics metrics = new Metrics(dir.resolve("none"));
        try (MockWebServer dead = stalled()) {
            Notifier n = notifier(hooks("  - type: webhook\n    url: http://127.0.0.1:" + dead.getPort() + "/\n",
                    Map.of()), metrics);
            int events = 500;
            long t0 = System.nanoTime();
            for (int i = 0; i < events; i++) n.send(WAN_CHANGE);
            long millis = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(millis < 500, events + " events took " + millis + " ms to hand over");
            Map<String, PrometheusText.Family> f = PrometheusText.parse(new String(metrics.scrape(),
                    StandardCharsets.UTF_8));
            double dropped = PrometheusText.value(f, "wan_agent_notifications_total", Map.of("result", "dropped"));
            // at most the queue and the one in the sender's hands are kept
            assertTrue(dropped >= events - Notifier.QUEUE_SIZE - 1, "dropped " + dropped);
            long c0 = System.nanoTime();
            n.close();
            long closeMillis = (System.nanoTime() - c0) / 1_000_000;
            assertTrue(closeMillis < Notifier.FLUSH_AT_EXIT.toMillis() + 1000, "close took " + closeMillis + " ms");
        }
    }

    @Test
    void theLoopIsNotHeldUpByADeadHook() throws Exception {
        try (MockWebServer dead = stalled()) {
            Notifier n = notifier(hooks("  - type: webhook\n    url: http://127.0.0.1:" + dead.getPort() + "/\n",
                    Map.of()), null);
            MutableClock clock = new MutableClock(AT);
            Events events = new Events(null, n::send, clock);
            StateStore store = new StateStore(dir.resolve("state"));
            UpdateDispatcher dispatcher = new UpdateDispatcher(List.of(), store.open(), store,
                    ConfigFingerprint.in(dir.resolve("state")), clock, () -> 0.5, events);
            int[] octet = {1};
            WanSource flapping = new WanSource() {
                public String name() {
                    return "upnp";
                }

                public WanAddress readWanAddress() throws java.io.IOException {
                    return WanAddress.ipv4Only(InetAddress.getByName("11.22.33." + octet[0]++));
                }

                public String describe() {
                    return "test";
                }
            };
            WanMonitor monitor = new WanMonitor(List.of(flapping), new MappingReconciler(List.of(), null, clock),
                    dispatcher, null, Duration.ofMinutes(5), clock, events);
            try {
                for (int i = 0; i < 50; i++) {
                    long t0 = System.nanoTime();
                    monitor.pass();
                    long millis = (System.nanoTime() - t0) / 1_000_000;
                    assertTrue(millis < 200, "pass " + i + " took " + millis + " ms");
                }
            } finally {
                dispatcher.close();
            }
            assertFalse(octet[0] < 50);
        }
    }
}
