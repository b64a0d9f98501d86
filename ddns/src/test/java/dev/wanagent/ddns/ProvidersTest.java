package dev.wanagent.ddns;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wanagent.config.AliDnsProviderConfig;
import dev.wanagent.config.CloudflareProviderConfig;
import dev.wanagent.config.DnsPodProviderConfig;
import dev.wanagent.config.DuckDnsProviderConfig;
import dev.wanagent.config.Secret;
import dev.wanagent.config.WebhookProviderConfig;
import mockwebserver3.MockResponse;
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
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static dev.wanagent.ddns.ProviderTests.common;
import static dev.wanagent.ddns.ProviderTests.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Cloudflare, DuckDNS, AliDNS, DNSPod and webhook providers against MockWebServer, with request and answer shapes
 * from each provider's API documentation. Each test asserts the exact requests sent.
 */
class ProvidersTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final MockWebServer server = new MockWebServer();
    private InetAddress ip;

    @BeforeEach
    void start() throws Exception {
        server.start(InetAddress.getLoopbackAddress(), 0);
        ip = InetAddress.getByName("11.22.33.44");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private RecordedRequest next() throws InterruptedException {
        return server.takeRequest(1, TimeUnit.SECONDS);
    }

    // ---- Cloudflare API v4 ("List Zones", "List DNS Records", "Patch DNS Record", "Create DNS Record")

    private CloudflareProvider cloudflare(boolean create) {
        return new CloudflareProvider(new CloudflareProviderConfig(common(List.of("home.example.com")),
                new Secret("cf-token-123456"), "example.com", create, false, 1), ProviderHttp.newClient(),
                server.url("/client/v4/"));
    }

    @Test
    void cloudflarePatchesOnlyTheContent() throws Exception {
        server.enqueue(json(200, "{\"success\":true,\"errors\":[],\"result\":[{\"id\":\"023e105f4ecef8ad9ca31a8372d0c353\","
                + "\"name\":\"example.com\"}]}"));
        server.enqueue(json(200, "{\"success\":true,\"errors\":[],\"result\":[{\"id\":\"372e67954025e0ba6aaa6d586b9e0b59\","
                + "\"type\":\"A\",\"name\":\"home.example.com\",\"content\":\"1.2.3.4\",\"proxied\":true,\"ttl\":120}]}"));
        server.enqueue(json(200, "{\"success\":true,\"errors\":[],\"result\":{\"id\":\"372e67954025e0ba6aaa6d586b9e0b59\","
                + "\"content\":\"11.22.33.44\",\"proxied\":true,\"ttl\":120}}"));
        Map<String, UpdateOutcome> out = cloudflare(false).update(List.of("home.example.com"), ip);
        assertEquals(UpdateOutcome.success("updated A 11.22.33.44"), out.get("home.example.com"));

        RecordedRequest zones = next();
        assertEquals("GET /client/v4/zones?name=example.com", zones.getMethod() + " " + zones.getTarget());
        assertEquals("Bearer cf-token-123456", zones.getHeaders().get("Authorization"));
        RecordedRequest list = next();
        assertEquals("/client/v4/zones/023e105f4ecef8ad9ca31a8372d0c353/dns_records?type=A&name=home.example.com",
                list.getTarget());
        RecordedRequest patch = next();
        assertEquals("PATCH", patch.getMethod());
        assertEquals("/client/v4/zones/023e105f4ecef8ad9ca31a8372d0c353/dns_records/372e67954025e0ba6aaa6d586b9e0b59",
                patch.getTarget());
        // only content: proxied and TTL stay as they are
        assertEquals(JSON.readTree("{\"content\":\"11.22.33.44\"}"), JSON.readTree(patch.getBody().utf8()));
    }

    @Test
    void cloudflareCreatesAMissingRecordOnlyWhenAsked() throws Exception {
        server.enqueue(json(200, "{\"success\":true,\"result\":[{\"id\":\"z1\"}]}"));
        server.enqueue(json(200, "{\"success\":true,\"result\":[]}"));
        UpdateOutcome refused = cloudflare(false).update(List.of("home.example.com"), ip).get("home.example.com");
        assertEquals(UpdateOutcome.Kind.FATAL, refused.kind());
        assertTrue(refused.detail().contains("set create: true"), refused.detail());
        next();
        next();

        server.enqueue(json(200, "{\"success\":true,\"result\":[{\"id\":\"z1\"}]}"));
        server.enqueue(json(200, "{\"success\":true,\"result\":[]}"));
        server.enqueue(json(200, "{\"success\":true,\"result\":{\"id\":\"r1\"}}"));
        UpdateOutcome created = cloudflare(true).update(List.of("home.example.com"), InetAddress.getByName("2a00:1450::1"))
                .get("home.example.com");
        assertEquals(UpdateOutcome.success("created AAAA 2a00:1450:0:0:0:0:0:1"), created);
        next();
        assertEquals("/client/v4/zones/z1/dns_records?type=AAAA&name=home.example.com", next().getTarget());
        RecordedRequest post = next();
        assertEquals("POST /client/v4/zones/z1/dns_records", post.getMethod() + " " + post.getTarget());
        assertEquals(JSON.readTree("{\"type\":\"AAAA\",\"name\":\"home.example.com\",\"content\":\"2a00:1450:0:0:0:0:0:1\","
                + "\"ttl\":1,\"proxied\":false}"), JSON.readTree(post.getBody().utf8()));
    }

    @Test
    void cloudflareAnswersAreClassified() {
        server.enqueue(json(403, "{\"success\":false,\"errors\":[{\"code\":9109,\"message\":\"Invalid access token\"}]}"));
        UpdateOutcome badToken = cloudflare(false).update(List.of("home.example.com"), ip).get("home.example.com");
        assertEquals(UpdateOutcome.Kind.FATAL, badToken.kind());
        assertEquals("HTTP 403 (credentials refused) 9109 Invalid access token", badToken.detail());

        server.enqueue(new MockResponse.Builder().code(429).setHeader("Retry-After", "120").body("{}").build());
        UpdateOutcome limited = cloudflare(false).update(List.of("home.example.com"), ip).get("home.example.com");
        assertEquals(UpdateOutcome.Kind.RETRY, limited.kind());
        assertEquals(Optional.of(java.time.Duration.ofSeconds(120)), limited.retryAfter());

        server.enqueue(json(502, "<html>bad gateway</html>"));
        assertEquals(UpdateOutcome.Kind.RETRY, cloudflare(false).update(List.of("home.example.com"), ip)
                .get("home.example.com").kind());

        server.enqueue(json(200, "{\"success\":true,\"result\":[]}"));
        UpdateOutcome noZone = cloudflare(false).update(List.of("home.example.com"), ip).get("home.example.com");
        assertTrue(noZone.detail().startsWith("zone example.com not found"), noZone.detail());
    }

    // ---- DuckDNS ("https://www.duckdns.org/spec.jsp")

    @Test
    void duckDnsSendsTheDocumentedRequest() throws Exception {
        DuckDnsProvider duck = new DuckDnsProvider(new DuckDnsProviderConfig(common(List.of("myhome.duckdns.org", "cam")),
                new Secret("a7c4d0ad-114e-40ef-ba1d-d217904a50f2")), ProviderHttp.newClient(), server.url("/update"));
        server.enqueue(new MockResponse.Builder().body("OK").build());
        Map<String, UpdateOutcome> out = duck.update(List.of("myhome.duckdns.org", "cam"), ip);
        assertEquals(UpdateOutcome.success("OK"), out.get("myhome.duckdns.org"));
        assertEquals(UpdateOutcome.success("OK"), out.get("cam"));
        assertEquals("/update?domains=myhome,cam&token=a7c4d0ad-114e-40ef-ba1d-d217904a50f2&ip=11.22.33.44",
                next().getTarget());

        server.enqueue(new MockResponse.Builder().body("KO").build());
        UpdateOutcome ko = duck.update(List.of("cam"), InetAddress.getByName("2a00:1450::1")).get("cam");
        assertEquals(UpdateOutcome.Kind.FATAL, ko.kind());
        assertEquals("/update?domains=cam&token=a7c4d0ad-114e-40ef-ba1d-d217904a50f2&ipv6=2a00%3A1450%3A0%3A0%3A0%3A0%3A0%3A1",
                next().getTarget());
        assertFalse(ko.detail().contains("a7c4d0ad"));

        server.close(); // nothing listens any more: a network failure, retried, without the token
        UpdateOutcome down = duck.update(List.of("cam"), ip).get("cam");
        assertEquals(UpdateOutcome.Kind.RETRY, down.kind());
        assertTrue(down.detail().startsWith("cannot reach "), down.detail());
        assertFalse(down.detail().contains("a7c4d0ad"), down.detail());
    }

    // ---- AliDNS (RPC API 2015-01-09, "DescribeSubDomainRecords", "UpdateDomainRecord", signature v1.0)

    @Test
    void aliDnsSignatureMatchesTheDocumentedExample() {
        // Alibaba Cloud's "request signature" documentation: AccessKeySecret testsecret, this DescribeRegions request
        TreeMap<String, String> params = new TreeMap<>(Map.of("AccessKeyId", "testid", "Action", "DescribeRegions",
                "Format", "XML", "SignatureMethod", "HMAC-SHA1", "SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
                "SignatureVersion", "1.0", "Timestamp", "2016-02-23T12:46:24Z", "Version", "2014-05-26"));
        assertEquals("OLeaidS1JvxuMvnyHOwuJ+uX5qY=", AliDnsProvider.sign(params, "testsecret"));
        assertEquals("a%20b%2Ac~d%2F", AliDnsProvider.percent("a b*c~d/"));
    }

    @Test
    void aliDnsFindsTheRecordAndUpdatesIt() throws Exception {
        AliDnsProvider ali = new AliDnsProvider(new AliDnsProviderConfig(common(List.of("home.example.com")), "LTAIkey",
                new Secret("ali-secret-value")), ProviderHttp.newClient(), server.url("/"),
                Clock.fixed(Instant.parse("2026-11-25T10:00:00Z"), ZoneOffset.UTC), () -> "nonce-1");
        server.enqueue(json(200, "{\"RequestId\":\"r1\",\"TotalCount\":1,\"DomainRecords\":{\"Record\":[{\"RR\":\"home\","
                + "\"Value\":\"1.2.3.4\",\"RecordId\":\"9999985\",\"Type\":\"A\",\"DomainName\":\"example.com\"}]}}"));
        server.enqueue(json(200, "{\"RequestId\":\"r2\",\"RecordId\":\"9999985\"}"));
        assertEquals(UpdateOutcome.success("updated A 11.22.33.44"), ali.update(List.of("home.example.com"), ip)
                .get("home.example.com"));
        RecordedRequest find = next();
        assertEquals("DescribeSubDomainRecords", find.getUrl().queryParameter("Action"));
        assertEquals("home.example.com", find.getUrl().queryParameter("SubDomain"));
        assertEquals("A", find.getUrl().queryParameter("Type"));
        assertEquals("2026-11-25T10:00:00Z", find.getUrl().queryParameter("Timestamp"));
        assertEquals("LTAIkey", find.getUrl().queryParameter("AccessKeyId"));
        assertSignedAli(find);
        RecordedRequest update = next();
        assertEquals("UpdateDomainRecord", update.getUrl().queryParameter("Action"));
        assertEquals("9999985", update.getUrl().queryParameter("RecordId"));
        assertEquals("home", update.getUrl().queryParameter("RR"));
        assertEquals("11.22.33.44", update.getUrl().queryParameter("Value"));
        assertSignedAli(update);
        assertFalse(update.getTarget().contains("ali-secret-value"));

        server.enqueue(json(404, "{\"RequestId\":\"r3\",\"Code\":\"InvalidAccessKeyId.NotFound\","
                + "\"Message\":\"Specified access key is not found.\"}"));
        UpdateOutcome bad = ali.update(List.of("home.example.com"), ip).get("home.example.com");
        assertEquals(UpdateOutcome.Kind.FATAL, bad.kind());
        assertTrue(bad.detail().contains("InvalidAccessKeyId.NotFound"), bad.detail());
    }

    /** Recomputes the signature of a received request from its own parameters. */
    private static void assertSignedAli(RecordedRequest r) {
        TreeMap<String, String> params = new TreeMap<>();
        for (String name : r.getUrl().queryParameterNames()) {
            if (!name.equals("Signature")) params.put(name, r.getUrl().queryParameter(name));
        }
        assertEquals(AliDnsProvider.sign(params, "ali-secret-value"), r.getUrl().queryParameter("Signature"));
    }

    // ---- DNSPod (Tencent Cloud API 3.0, "DescribeRecordList", "ModifyRecord", TC3-HMAC-SHA256)

    @Test
    void tc3SignatureMatchesTheDocumentedExample() {
        // Tencent Cloud's "Signature v3" documentation example (CVM DescribeInstances, timestamp 1551113065)
        String body = "{\"Limit\": 1, \"Filters\": [{\"Values\": [\"\\u672a\\u547d\\u540d\"], \"Name\": \"instance-name\"}]}";
        assertEquals("TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request,"
                        + " SignedHeaders=content-type;host,"
                        + " Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168",
                DnsPodProvider.tc3Authorization("AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE", "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE",
                        "cvm", "cvm.tencentcloudapi.com", body, 1551113065));
    }

    @Test
    void dnsPodFindsTheRecordAndModifiesIt() throws Exception {
        DnsPodProvider pod = new DnsPodProvider(new DnsPodProviderConfig(common(List.of("home.example.com")), "AKIDpod",
                new Secret("pod-secret-key"), "example.com"), ProviderHttp.newClient(), server.url("/"),
                Clock.fixed(Instant.ofEpochSecond(1764064800), ZoneOffset.UTC));
        server.enqueue(json(200, "{\"Response\":{\"RecordCountInfo\":{\"TotalCount\":1},\"RecordList\":[{\"RecordId\":556507778,"
                + "\"Value\":\"1.2.3.4\",\"Name\":\"home\",\"Line\":\"默认\",\"Type\":\"A\"}],\"RequestId\":\"x1\"}}"));
        server.enqueue(json(200, "{\"Response\":{\"RecordId\":556507778,\"RequestId\":\"x2\"}}"));
        assertEquals(UpdateOutcome.success("updated A 11.22.33.44"), pod.update(List.of("home.example.com"), ip)
                .get("home.example.com"));
        RecordedRequest find = next();
        assertEquals("POST", find.getMethod());
        assertEquals("DescribeRecordList", find.getHeaders().get("X-TC-Action"));
        assertEquals("2021-03-23", find.getHeaders().get("X-TC-Version"));
        assertEquals("1764064800", find.getHeaders().get("X-TC-Timestamp"));
        assertEquals(JSON.readTree("{\"Domain\":\"example.com\",\"Subdomain\":\"home\",\"RecordType\":\"A\"}"),
                JSON.readTree(find.getBody().utf8()));
        assertEquals(pod.authorization(find.getBody().utf8(), 1764064800), find.getHeaders().get("Authorization"));
        assertTrue(find.getHeaders().get("Authorization").startsWith(
                "TC3-HMAC-SHA256 Credential=AKIDpod/2025-11-25/dnspod/tc3_request, SignedHeaders=content-type;host,"));
        RecordedRequest modify = next();
        assertEquals("ModifyRecord", modify.getHeaders().get("X-TC-Action"));
        assertEquals(JSON.readTree("{\"Domain\":\"example.com\",\"SubDomain\":\"home\",\"RecordType\":\"A\","
                + "\"RecordLine\":\"默认\",\"Value\":\"11.22.33.44\",\"RecordId\":556507778}"), JSON.readTree(modify.getBody().utf8()));

        server.enqueue(json(200, "{\"Response\":{\"Error\":{\"Code\":\"AuthFailure.SignatureFailure\","
                + "\"Message\":\"The provided credentials could not be validated.\"},\"RequestId\":\"x3\"}}"));
        UpdateOutcome auth = pod.update(List.of("home.example.com"), ip).get("home.example.com");
        assertEquals(UpdateOutcome.Kind.FATAL, auth.kind());
        assertTrue(auth.detail().startsWith("AuthFailure.SignatureFailure"), auth.detail());
        next();
        server.enqueue(json(200, "{\"Response\":{\"Error\":{\"Code\":\"RequestLimitExceeded\",\"Message\":\"slow down\"}}}"));
        assertEquals(UpdateOutcome.Kind.RETRY, pod.update(List.of("home.example.com"), ip).get("home.example.com").kind());
        next();
        server.enqueue(json(200, "{\"Response\":{\"Error\":{\"Code\":\"ResourceNotFound.NoDataOfRecord\",\"Message\":\"none\"}}}"));
        UpdateOutcome missing = pod.update(List.of("home.example.com"), ip).get("home.example.com");
        assertEquals(UpdateOutcome.Kind.FATAL, missing.kind());
        assertTrue(missing.detail().startsWith("no A record home.example.com"), missing.detail());
    }

    // ---- webhook

    @Test
    void webhookFillsTheTemplatesAndChecksTheAnswer() throws Exception {
        WebhookProviderConfig config = new WebhookProviderConfig(common(List.of("home.example.com")),
                new Secret(server.url("/dyn").toString() + "?host={hostname}&addr={ip}&key=hook-secret-abc"), "127.0.0.1",
                "POST", Map.of("X-Api-Key", new Secret("header-secret-xyz"), "Content-Type", new Secret("application/json")),
                Optional.of("{\"name\":\"{hostname}\",\"ip\":\"{ip}\"}"), Optional.of(Pattern.compile("\"status\":\\s*\"ok\"")),
                true);
        WebhookProvider hook = new WebhookProvider(config, ProviderHttp.newClient());
        server.enqueue(json(200, "{\"status\": \"ok\"}"));
        assertEquals(UpdateOutcome.Kind.SUCCESS, hook.update(List.of("home.example.com"), ip).get("home.example.com").kind());
        RecordedRequest r = next();
        assertEquals("POST /dyn?host=home.example.com&addr=11.22.33.44&key=hook-secret-abc", r.getMethod() + " " + r.getTarget());
        assertEquals("header-secret-xyz", r.getHeaders().get("X-Api-Key"));
        assertEquals("{\"name\":\"home.example.com\",\"ip\":\"11.22.33.44\"}", r.getBody().utf8());

        server.enqueue(json(200, "{\"status\": \"error\", \"echo\": \"hook-secret-abc header-secret-xyz\"}"));
        UpdateOutcome mismatch = hook.update(List.of("home.example.com"), ip).get("home.example.com");
        assertEquals(UpdateOutcome.Kind.RETRY, mismatch.kind());
        assertFalse(mismatch.detail().contains("hook-secret-abc"), mismatch.detail());
        assertFalse(mismatch.detail().contains("header-secret-xyz"), mismatch.detail());
        next();
        server.enqueue(json(401, ""));
        assertEquals(UpdateOutcome.Kind.FATAL, hook.update(List.of("home.example.com"), ip).get("home.example.com").kind());
        assertEquals("webhook POST 127.0.0.1", hook.label());
    }

    @Test
    void responsesNeverEchoTokensIntoOutcomes() {
        server.enqueue(json(400, "{\"success\":false,\"errors\":[{\"code\":1000,\"message\":\"bad token cf-token-123456\"}]}"));
        UpdateOutcome o = cloudflare(false).update(List.of("home.example.com"), ip).get("home.example.com");
        assertFalse(o.detail().contains("cf-token-123456"), o.detail());
        assertTrue(o.detail().contains("****"), o.detail());
    }
}
