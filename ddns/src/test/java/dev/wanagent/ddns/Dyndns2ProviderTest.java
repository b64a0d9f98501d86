package dev.wanagent.ddns;

import dev.wanagent.config.Dyndns2ProviderConfig;
import dev.wanagent.config.Secret;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** dyndns2 request shape and answers as documented by No-IP ("Integrate with No-IP DDNS - API") and Dyn. */
class Dyndns2ProviderTest {
    private static final String PASSWORD = "p@ss:word/with&odd=chars";
    private final MockWebServer server = new MockWebServer();
    private Dyndns2Provider provider;
    private InetAddress ip;

    @BeforeEach
    void start() throws Exception {
        server.start(InetAddress.getLoopbackAddress(), 0);
        ip = InetAddress.getByName("11.22.33.44");
        provider = provider(ProviderHttp.newClient(), List.of("myhome.ddns.net"));
    }

    private Dyndns2Provider provider(OkHttpClient http, List<String> hosts) {
        return new Dyndns2Provider(new Dyndns2ProviderConfig(ProviderTests.common(hosts), server.url("/").uri(),
                "me@example.com", new Secret(PASSWORD), false), http);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private void answer(int code, String body) {
        server.enqueue(new MockResponse.Builder().code(code).body(body).build());
    }

    @Test
    void sendsTheDocumentedRequest() throws Exception {
        answer(200, "good 11.22.33.44\n");
        Map<String, UpdateOutcome> out = provider.update(List.of("myhome.ddns.net"), ip);
        assertEquals(UpdateOutcome.success("good 11.22.33.44"), out.get("myhome.ddns.net"));

        RecordedRequest r = server.takeRequest(1, TimeUnit.SECONDS);
        assertEquals("GET", r.getMethod());
        assertEquals("/nic/update?hostname=myhome.ddns.net&myip=11.22.33.44", r.getTarget());
        String expectedAuth = "Basic " + Base64.getEncoder()
                .encodeToString(("me@example.com:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        assertEquals(expectedAuth, r.getHeaders().get("Authorization"));
        assertTrue(r.getHeaders().get("User-Agent").startsWith("wan-agent/"), r.getHeaders().get("User-Agent"));
    }

    @Test
    void severalHostsGoInOneRequestAndEachGetsItsLine() throws Exception {
        Dyndns2Provider two = provider(ProviderHttp.newClient(), List.of("a.example.net", "b.example.net"));
        answer(200, "good 11.22.33.44\nnohost\n");
        Map<String, UpdateOutcome> out = two.update(List.of("a.example.net", "b.example.net"), ip);
        assertEquals(UpdateOutcome.Kind.SUCCESS, out.get("a.example.net").kind());
        assertEquals(UpdateOutcome.Kind.FATAL, out.get("b.example.net").kind());
        assertEquals("/nic/update?hostname=a.example.net,b.example.net&myip=11.22.33.44",
                server.takeRequest(1, TimeUnit.SECONDS).getTarget());
    }

    @ParameterizedTest
    @CsvSource({
            "good 11.22.33.44, SUCCESS",
            "nochg 11.22.33.44, SUCCESS",
            "badauth, FATAL",
            "nohost, FATAL",
            "notfqdn, FATAL",
            "abuse, RETRY",
            "badagent, FATAL",
            "!donator, FATAL",
            "911, RETRY",
            "dnserr, RETRY",
            "<html>captive portal</html>, RETRY"})
    void classifiesEveryAnswer(String answer, UpdateOutcome.Kind kind) {
        answer(200, answer + "\n");
        UpdateOutcome o = provider.update(List.of("myhome.ddns.net"), ip).get("myhome.ddns.net");
        assertEquals(kind, o.kind(), o.detail());
        assertTrue(o.detail().contains(answer.split(" ")[0]), o.detail());
    }

    @ParameterizedTest
    @CsvSource({
            "good 1.2.3.4, 5.6.7.8, 'the provider answered good 1.2.3.4 but we sent 5.6.7.8'",
            "nochg 1.2.3.4, 5.6.7.8, 'the provider answered nochg 1.2.3.4 but we sent 5.6.7.8'",
            "good 127.0.0.1, 11.22.33.44, 'the provider answered good 127.0.0.1 but we sent 11.22.33.44'",
            "good 2a00:1450::2, 2a00:1450::1, 'the provider answered good 2a00:1450::2 but we sent 2a00:1450:0:0:0:0:0:1'"})
    void anAnswerNamingAnotherAddressIsNotASuccess(String answer, String sent, String detail) throws Exception {
        answer(200, answer + "\n");
        UpdateOutcome o = provider.update(List.of("myhome.ddns.net"), InetAddress.getByName(sent)).get("myhome.ddns.net");
        assertEquals(UpdateOutcome.retry(detail), o);
    }

    @ParameterizedTest
    @CsvSource({
            "good, 5.6.7.8",
            "nochg, 5.6.7.8",
            "good 5.6.7.8, 5.6.7.8",
            "NOCHG 5.6.7.8, 5.6.7.8",
            "good 2a00:1450:0::1, 2a00:1450::1",
            "good 5.6.7.8 2a00:1450::1, 5.6.7.8",
            "good not-an-address.example, 5.6.7.8"})
    void anAnswerWithoutAnotherAddressIsASuccess(String answer, String sent) throws Exception {
        answer(200, answer + "\n");
        UpdateOutcome o = provider.update(List.of("myhome.ddns.net"), InetAddress.getByName(sent)).get("myhome.ddns.net");
        assertEquals(UpdateOutcome.success(answer), o);
    }

    @Test
    void eachLineOfAMultiHostAnswerIsCheckedForItsAddress() {
        List<String> hosts = List.of("a.example.net", "b.example.net", "c.example.net");
        Dyndns2Provider three = provider(ProviderHttp.newClient(), hosts);
        answer(200, "good 11.22.33.44\nnochg 9.9.9.9\ngood\n");
        Map<String, UpdateOutcome> out = three.update(hosts, ip);
        assertEquals(UpdateOutcome.success("good 11.22.33.44"), out.get("a.example.net"));
        assertEquals(UpdateOutcome.retry("the provider answered nochg 9.9.9.9 but we sent 11.22.33.44"),
                out.get("b.example.net"));
        assertEquals(UpdateOutcome.success("good"), out.get("c.example.net"));

        // one line answers for all: another address there fails them all
        answer(200, "good 9.9.9.9");
        three.update(hosts, ip).values().forEach(o -> assertEquals(UpdateOutcome.Kind.RETRY, o.kind(), o.detail()));
        // fewer lines than hosts: the hosts without a line are not done
        answer(200, "good 11.22.33.44\ngood 11.22.33.44");
        assertEquals(UpdateOutcome.retry("no answer line for this host"), three.update(hosts, ip).get("c.example.net"));
    }

    @Test
    void httpStatusesAreClassified() {
        answer(500, "oops");
        assertEquals(UpdateOutcome.Kind.RETRY, provider.update(List.of("myhome.ddns.net"), ip).get("myhome.ddns.net").kind());
        answer(503, "");
        assertEquals(UpdateOutcome.Kind.RETRY, provider.update(List.of("myhome.ddns.net"), ip).get("myhome.ddns.net").kind());
        answer(429, "slow down");
        assertEquals(UpdateOutcome.Kind.RETRY, provider.update(List.of("myhome.ddns.net"), ip).get("myhome.ddns.net").kind());
        answer(401, "");
        UpdateOutcome o = provider.update(List.of("myhome.ddns.net"), ip).get("myhome.ddns.net");
        assertEquals(UpdateOutcome.Kind.FATAL, o.kind());
        assertEquals("HTTP 401 (credentials refused)", o.detail());
    }

    @Test
    void everyUnicodeLineBreakEndsAnAnswerLine() throws Exception {
        // NEL, U+2028, U+2029, VT and FF end a line as \n does: the first host's "good 1.2.3.4" is not the second's
        for (String lineBreak : List.of("\n", "\r\n", "\r", "\u0085", "\u2028", "\u2029", "\u000B", "\f")) {
            Map<String, UpdateOutcome> out = Dyndns2Provider.classifyAnswer(List.of("a.example.net", "b.example.net"),
                    ip, "good 1.2.3.4" + lineBreak + "nochg 11.22.33.44");
            assertEquals(UpdateOutcome.Kind.RETRY, out.get("a.example.net").kind(), out.toString());
            assertEquals(UpdateOutcome.success("nochg 11.22.33.44"), out.get("b.example.net"));
        }
    }

    @Test
    void anAnswerOkHttpItselfCannotReadIsARetryNotACrash() {
        // OkHttp parses a 503's Retry-After as an int to decide on its own retry, and throws NumberFormatException
        server.enqueue(new MockResponse.Builder().code(503).setHeader("Retry-After", "99999999999999999999").build());
        UpdateOutcome o = provider.update(List.of("myhome.ddns.net"), ip).get("myhome.ddns.net");
        assertEquals(UpdateOutcome.Kind.RETRY, o.kind());
        assertTrue(o.detail().contains("unreadable answer (NumberFormatException)"), o.detail());
    }

    @Test
    void aSilentServerIsARetryNotAHang() {
        OkHttpClient impatient = ProviderHttp.newClient().newBuilder().readTimeout(Duration.ofMillis(200)).build();
        server.enqueue(new MockResponse.Builder().body("good 11.22.33.44").headersDelay(3, TimeUnit.SECONDS).build());
        UpdateOutcome o = provider(impatient, List.of("myhome.ddns.net")).update(List.of("myhome.ddns.net"), ip)
                .get("myhome.ddns.net");
        assertEquals(UpdateOutcome.Kind.RETRY, o.kind());
        assertTrue(o.detail().startsWith("timed out"), o.detail());
    }

    @Test
    void anUnreachableServerIsARetry() throws Exception {
        int port = server.getPort();
        server.close();
        UpdateOutcome o = provider.update(List.of("myhome.ddns.net"), ip).get("myhome.ddns.net");
        assertEquals(UpdateOutcome.Kind.RETRY, o.kind());
        assertTrue(o.detail().startsWith("cannot reach"), o.detail());
        assertFalse(o.detail().contains(PASSWORD));
        assertTrue(port > 0);
    }

    @Test
    void noOutcomeEverCarriesThePassword() {
        for (String body : List.of("badauth " + PASSWORD, "good " + PASSWORD, "nonsense " + PASSWORD)) {
            answer(200, body);
            UpdateOutcome o = provider.update(List.of("myhome.ddns.net"), ip).get("myhome.ddns.net");
            assertFalse(o.detail().contains(PASSWORD), o.detail());
            assertTrue(o.detail().contains("****"), o.detail());
        }
        answer(418, "teapot " + PASSWORD);
        assertFalse(provider.update(List.of("myhome.ddns.net"), ip).get("myhome.ddns.net").detail().contains(PASSWORD));
        assertFalse(provider.label().contains(PASSWORD));
    }

    @Test
    void serverPathIsKept() throws Exception {
        Dyndns2Provider withPath = new Dyndns2Provider(new Dyndns2ProviderConfig(ProviderTests.common(List.of("h.example.net")),
                server.url("/dyn/").uri(), "u", new Secret("p"), false), ProviderHttp.newClient());
        answer(200, "good 11.22.33.44");
        withPath.update(List.of("h.example.net"), ip);
        assertEquals("/dyn/nic/update?hostname=h.example.net&myip=11.22.33.44",
                server.takeRequest(1, TimeUnit.SECONDS).getTarget());
    }
}
