package dev.wanagent.ddns;

import dev.wanagent.config.AliDnsProviderConfig;
import dev.wanagent.config.CloudflareProviderConfig;
import dev.wanagent.config.DnsPodProviderConfig;
import dev.wanagent.config.DuckDnsProviderConfig;
import dev.wanagent.config.Dyndns2ProviderConfig;
import dev.wanagent.config.Secret;
import dev.wanagent.config.WebhookProviderConfig;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import static dev.wanagent.ddns.ProviderTests.common;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No provider follows a redirect: the redirect target (another server here) receives nothing, and the outcome
 * names it as scheme://host[:port]/path without the query, userinfo or fragment that may hold tokens.
 */
class RedirectsTest {
    private static final String HOST = "home.example.com";
    private final MockWebServer provider = new MockWebServer();
    private final MockWebServer elsewhere = new MockWebServer();
    private final OkHttpClient http = ProviderHttp.newClient();
    private InetAddress ip;

    @BeforeEach
    void start() throws Exception {
        provider.start(InetAddress.getLoopbackAddress(), 0);
        elsewhere.start(InetAddress.getLoopbackAddress(), 0);
        ip = InetAddress.getByName("11.22.33.44");
    }

    @AfterEach
    void stop() {
        provider.close();
        elsewhere.close();
    }

    /** A Location on the other server with a token in the userinfo, query and fragment. */
    private String location() {
        return "http://leak:userinfo-token@127.0.0.1:" + elsewhere.getPort() + "/landing/page?token=query-token&x=1"
                + "#fragment-token";
    }

    private String target() {
        return "http://127.0.0.1:" + elsewhere.getPort() + "/landing/page";
    }

    private void redirect(int code) {
        provider.enqueue(new MockResponse.Builder().code(code).setHeader("Location", location())
                .body("moved, see " + location()).build());
        // what the other server would answer: a success, had the request reached it
        for (int i = 0; i < 4; i++) elsewhere.enqueue(new MockResponse.Builder().body("good 11.22.33.44").build());
    }

    private void assertNotFollowed(int code, UpdateOutcome o, String... secrets) {
        assertEquals(0, elsewhere.getRequestCount(), "the redirect was followed");
        assertEquals(UpdateOutcome.Kind.RETRY, o.kind(), o.detail());
        assertTrue(o.detail().startsWith("HTTP " + code + " redirect to " + target() + " "), o.detail());
        for (String leak : List.of("token", "leak", "userinfo", "x=1", "#")) {
            assertFalse(o.detail().contains(leak), o.detail());
        }
        for (String s : secrets) assertFalse(o.detail().contains(s), o.detail());
    }

    @ParameterizedTest
    @ValueSource(ints = {301, 302, 303, 307, 308})
    void aWebhookRedirectSendsTheApiKeyNowhere(int code) {
        WebhookProviderConfig config = new WebhookProviderConfig(common(List.of(HOST)),
                new Secret(provider.url("/hook").toString() + "?name={hostname}&ip={ip}&key=hook-secret-abc"),
                "127.0.0.1", "POST", Map.of("X-Api-Key", new Secret("header-secret-xyz")),
                Optional.of("{\"ip\":\"{ip}\"}"), Optional.empty(), true);
        redirect(code);
        UpdateOutcome o = new WebhookProvider(config, http).update(List.of(HOST), ip).get(HOST);
        assertEquals(1, provider.getRequestCount());
        assertNotFollowed(code, o, "hook-secret-abc", "header-secret-xyz");
    }

    @ParameterizedTest
    @ValueSource(ints = {301, 302, 307, 308})
    void noProviderFollowsARedirect(int code) {
        Map<String, Function<OkHttpClient, DnsProvider>> providers = Map.of(
                "dyndns2", h -> new Dyndns2Provider(new Dyndns2ProviderConfig(common(List.of(HOST)),
                        provider.url("/").uri(), "me", new Secret("dyn-password"), false), h),
                "cloudflare", h -> new CloudflareProvider(new CloudflareProviderConfig(common(List.of(HOST)),
                        new Secret("cf-token-123456"), "example.com", false, false, 1), h, provider.url("/client/v4/")),
                "duckdns", h -> new DuckDnsProvider(new DuckDnsProviderConfig(common(List.of(HOST)),
                        new Secret("duck-token-123456")), h, provider.url("/update")),
                "alidns", h -> new AliDnsProvider(new AliDnsProviderConfig(common(List.of(HOST)), "LTAIkey",
                        new Secret("ali-secret-value")), h, provider.url("/"),
                        Clock.fixed(Instant.parse("2026-11-25T10:00:00Z"), ZoneOffset.UTC), () -> "nonce"),
                "dnspod", h -> new DnsPodProvider(new DnsPodProviderConfig(common(List.of(HOST)), "AKIDpod",
                        new Secret("pod-secret-key"), "example.com"), h, provider.url("/"),
                        Clock.fixed(Instant.ofEpochSecond(1764064800), ZoneOffset.UTC)));
        for (Map.Entry<String, Function<OkHttpClient, DnsProvider>> p : providers.entrySet()) {
            redirect(code);
            int before = provider.getRequestCount();
            UpdateOutcome o = p.getValue().apply(http).update(List.of(HOST), ip).get(HOST);
            assertEquals(before + 1, provider.getRequestCount(), p.getKey());
            assertNotFollowed(code, o, "dyn-password", "cf-token-123456", "duck-token-123456", "ali-secret-value",
                    "pod-secret-key");
        }
    }

    @Test
    void aRelativeLocationIsNamedOnTheProvidersHost() {
        provider.enqueue(new MockResponse.Builder().code(302).setHeader("Location", "/elsewhere/x?sig=abc").build());
        UpdateOutcome o = new DuckDnsProvider(new DuckDnsProviderConfig(common(List.of(HOST)),
                new Secret("duck-token-123456")), http, provider.url("/update")).update(List.of(HOST), ip).get(HOST);
        assertEquals(UpdateOutcome.Kind.RETRY, o.kind());
        assertTrue(o.detail().startsWith("HTTP 302 redirect to http://" + provider.url("/").host() + ":" + provider.getPort()
                + "/elsewhere/x "),
                o.detail());
        assertFalse(o.detail().contains("sig"), o.detail());
    }

    @Test
    void aRedirectWithoutLocationOrWithATokenInThePathSaysSoWithoutIt() {
        provider.enqueue(new MockResponse.Builder().code(307).build());
        Dyndns2Provider dyn = new Dyndns2Provider(new Dyndns2ProviderConfig(common(List.of(HOST)),
                provider.url("/").uri(), "me", new Secret("dyn-password"), false), http);
        UpdateOutcome none = dyn.update(List.of(HOST), ip).get(HOST);
        assertEquals(UpdateOutcome.Kind.RETRY, none.kind());
        assertEquals("HTTP 307 without a usable Location (redirects are not followed)", none.detail());

        // a webhook whose secret sits in the path: the path is shown, the secret is not
        WebhookProviderConfig config = new WebhookProviderConfig(common(List.of(HOST)),
                new Secret(provider.url("/hooks/T0123/path-secret-987654/update").toString()), "127.0.0.1", "GET",
                Map.of(), Optional.empty(), Optional.empty(), true);
        provider.enqueue(new MockResponse.Builder().code(301).setHeader("Location",
                "https://new.example.net:8443/hooks/T0123/path-secret-987654/update?h=1").build());
        UpdateOutcome moved = new WebhookProvider(config, http).update(List.of(HOST), ip).get(HOST);
        assertEquals("HTTP 301 redirect to https://new.example.net:8443/hooks/T0123/****/update (not followed: if the"
                + " provider moved, change the URL in the config)", moved.detail());
    }

    @Test
    void theSharedClientFollowsNothing() {
        OkHttpClient client = ProviderHttp.newClient();
        assertFalse(client.followRedirects());
        assertFalse(client.followSslRedirects());
    }
}
