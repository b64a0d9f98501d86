package dev.wanagent.ddns;

import dev.wanagent.config.CloudflareProviderConfig;
import dev.wanagent.config.Dyndns2ProviderConfig;
import dev.wanagent.config.ProviderConfig;
import dev.wanagent.config.Rfc2136ProviderConfig;
import dev.wanagent.config.Secret;
import dev.wanagent.config.WebhookProviderConfig;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.wanagent.ddns.ProviderTests.common;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The provider client speaks TLS only when some configured provider needs it. */
class ProviderHttpTest {
    private static Dyndns2ProviderConfig dyndns2(String server) {
        return new Dyndns2ProviderConfig(common(List.of("home.example.net")), URI.create(server), "u", new Secret("p"),
                true);
    }

    private static WebhookProviderConfig webhook(String url) {
        return new WebhookProviderConfig(common(List.of("home.example.net")), new Secret(url), "hooks.example.net",
                "GET", Map.of(), Optional.empty(), Optional.empty(), true);
    }

    private static final ProviderConfig RFC2136 = new Rfc2136ProviderConfig(common(List.of("home.example.net")),
            "192.168.1.1", 53, "example.net", "key", "hmac-sha256", new Secret("c2VjcmV0"), 60);
    private static final ProviderConfig CLOUDFLARE = new CloudflareProviderConfig(common(List.of("home.example.com")),
            new Secret("cf-token-123456"), "example.com", false, false, 1);

    @Test
    void tlsIsNeededOnlyByProvidersOnHttps() {
        assertFalse(DnsProviders.anyOverTls(List.of()));
        assertFalse(DnsProviders.anyOverTls(List.of(dyndns2("http://192.168.1.2:8245"), RFC2136,
                webhook("http://192.168.1.3/dyn?ip={ip}"), webhook("HTTP://192.168.1.3/x"))));
        assertTrue(DnsProviders.anyOverTls(List.of(dyndns2("https://dynupdate.no-ip.com"))));
        assertTrue(DnsProviders.anyOverTls(List.of(webhook("https://hooks.example.net/{hostname}"))));
        assertTrue(DnsProviders.anyOverTls(List.of(RFC2136, CLOUDFLARE)));
        assertTrue(DnsProviders.anyOverTls(List.of(dyndns2("http://192.168.1.2:8245"), dyndns2("HTTPS://dyn.example"))));
    }

    @Test
    void aPlainClientCallsHttpAndRefusesHttpsWithoutSendingIt() throws Exception {
        OkHttpClient plain = ProviderHttp.newClient(false);
        assertThrows(IllegalStateException.class, plain::sslSocketFactory);
        try (MockWebServer server = new MockWebServer()) {
            server.enqueue(new MockResponse.Builder().body("good 11.22.33.44").build());
            server.start(InetAddress.getLoopbackAddress(), 0);
            try (Response r = plain.newCall(new Request.Builder().url(server.url("/nic/update")).build()).execute()) {
                assertEquals("good 11.22.33.44", r.body().string());
            }
            assertThrows(IOException.class, () -> plain.newCall(new Request.Builder()
                    .url(server.url("/nic/update").newBuilder().scheme("https").build()).build()).execute().close());
            // OkHttp alone would send it as plain http
            IOException e = assertThrows(IOException.class, () -> plain.newCall(new Request.Builder()
                    .url(server.url("/nic/update").newBuilder().scheme("https").build()).build()).execute().close());
            assertEquals("this client has no TLS: an https call", e.getMessage());
            assertEquals(1, server.getRequestCount());
        }
    }

    @Test
    void theDefaultClientSpeaksTls() {
        OkHttpClient both = ProviderHttp.newClient();
        assertTrue(both.connectionSpecs().stream().anyMatch(okhttp3.ConnectionSpec::isTls));
        assertTrue(both.connectionSpecs().stream().anyMatch(s -> !s.isTls()));
    }
}
