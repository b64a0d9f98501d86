package dev.wanagent.ddns;

import dev.wanagent.config.AliDnsProviderConfig;
import dev.wanagent.config.CloudflareProviderConfig;
import dev.wanagent.config.DnsPodProviderConfig;
import dev.wanagent.config.DuckDnsProviderConfig;
import dev.wanagent.config.Secret;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static dev.wanagent.ddns.ProviderTests.common;
import static dev.wanagent.ddns.ProviderTests.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** verifyCredentials (for `check`): a read-only call where the API has one, and nothing where it has none. */
class CredentialCheckTest {
    private final MockWebServer server = new MockWebServer();

    @BeforeEach
    void start() throws Exception {
        server.start(InetAddress.getLoopbackAddress(), 0);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private RecordedRequest next() throws InterruptedException {
        return server.takeRequest(1, TimeUnit.SECONDS);
    }

    @Test
    void cloudflareListsTheZoneOnly() throws Exception {
        CloudflareProvider cf = new CloudflareProvider(new CloudflareProviderConfig(common(List.of("home.example.com")),
                new Secret("cf-token-123456"), "example.com", false, false, 1), ProviderHttp.newClient(),
                server.url("/client/v4/"));
        server.enqueue(json(403, "{\"success\":false,\"errors\":[{\"code\":9109,\"message\":\"Invalid access token\"}]}"));
        UpdateOutcome refused = cf.verifyCredentials().orElseThrow();
        assertEquals(UpdateOutcome.Kind.FATAL, refused.kind());
        assertEquals("HTTP 403 (credentials refused) 9109 Invalid access token", refused.detail());
        assertEquals("GET /client/v4/zones?name=example.com", request(next()));

        server.enqueue(json(200, "{\"success\":true,\"errors\":[],\"result\":[{\"id\":\"023e105f4ecef8ad9ca31a8372d0c353\"}]}"));
        assertEquals(Optional.of(UpdateOutcome.success("token accepted (List Zones found example.com)")),
                cf.verifyCredentials());
        assertEquals("GET /client/v4/zones?name=example.com", request(next()));
        assertEquals(2, server.getRequestCount(), "nothing but List Zones");
    }

    @Test
    void aliDnsAndDnsPodAskARecordList() throws Exception {
        AliDnsProvider ali = new AliDnsProvider(new AliDnsProviderConfig(common(List.of("home.example.com")), "LTAIkey",
                new Secret("ali-secret-value")), ProviderHttp.newClient(), server.url("/"),
                Clock.fixed(Instant.parse("2026-11-25T10:00:00Z"), ZoneOffset.UTC), () -> "nonce-1");
        server.enqueue(json(404, "{\"RequestId\":\"r3\",\"Code\":\"InvalidAccessKeyId.NotFound\","
                + "\"Message\":\"Specified access key is not found.\"}"));
        UpdateOutcome bad = ali.verifyCredentials().orElseThrow();
        assertEquals(UpdateOutcome.Kind.FATAL, bad.kind());
        assertTrue(bad.detail().contains("InvalidAccessKeyId.NotFound"), bad.detail());
        assertEquals("DescribeSubDomainRecords", next().getUrl().queryParameter("Action"));
        server.enqueue(json(200, "{\"RequestId\":\"r1\",\"TotalCount\":0,\"DomainRecords\":{\"Record\":[]}}"));
        assertEquals(UpdateOutcome.Kind.SUCCESS, ali.verifyCredentials().orElseThrow().kind());
        assertEquals("DescribeSubDomainRecords", next().getUrl().queryParameter("Action"));

        DnsPodProvider pod = new DnsPodProvider(new DnsPodProviderConfig(common(List.of("home.example.com")), "AKIDpod",
                new Secret("pod-secret-key"), "example.com"), ProviderHttp.newClient(), server.url("/"),
                Clock.fixed(Instant.ofEpochSecond(1764064800), ZoneOffset.UTC));
        server.enqueue(json(200, "{\"Response\":{\"Error\":{\"Code\":\"AuthFailure.SignatureFailure\","
                + "\"Message\":\"The provided credentials could not be validated.\"},\"RequestId\":\"x3\"}}"));
        UpdateOutcome auth = pod.verifyCredentials().orElseThrow();
        assertEquals(UpdateOutcome.Kind.FATAL, auth.kind());
        assertTrue(auth.detail().startsWith("AuthFailure.SignatureFailure"), auth.detail());
        assertEquals("DescribeRecordList", next().getHeaders().get("X-TC-Action"));
        server.enqueue(json(200, "{\"Response\":{\"RecordCountInfo\":{\"TotalCount\":0},\"RecordList\":[],"
                + "\"RequestId\":\"x1\"}}"));
        assertEquals(UpdateOutcome.Kind.SUCCESS, pod.verifyCredentials().orElseThrow().kind());
        RecordedRequest list = next();
        assertEquals("DescribeRecordList", list.getHeaders().get("X-TC-Action"));
        assertFalse(list.getBody().utf8().contains("Value"), "a list, not a change");
    }

    @Test
    void apisWithoutAReadOnlyCallAreNotAsked() {
        DuckDnsProvider duck = new DuckDnsProvider(new DuckDnsProviderConfig(common(List.of("myhome.duckdns.org")),
                new Secret("a7c4d0ad-114e-40ef-ba1d-d217904a50f2")), ProviderHttp.newClient(), server.url("/update"));
        assertEquals(Optional.empty(), duck.verifyCredentials());
        assertEquals(0, server.getRequestCount());
    }

    private static String request(RecordedRequest r) {
        return r.getMethod() + " " + r.getTarget();
    }
}
