package dev.wanagent.ddns;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wanagent.config.ProviderConfig;
import dev.wanagent.config.AliDnsProviderConfig;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Alibaba Cloud DNS (AliDNS) RPC API 2015-01-09, signed with HMAC-SHA1 (SignatureVersion 1.0) as Alibaba Cloud's
 * "request signature" documentation describes: DescribeSubDomainRecords finds the record, UpdateDomainRecord sets
 * its value. The record must exist.
 */
public final class AliDnsProvider implements DnsProvider {
    static final HttpUrl API = HttpUrl.get("https://alidns.aliyuncs.com/");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final AliDnsProviderConfig config;
    private final OkHttpClient http;
    private final HttpUrl api;
    private final Clock clock;
    private final Supplier<String> nonce;

    public AliDnsProvider(AliDnsProviderConfig config, OkHttpClient http) {
        this(config, http, API, Clock.systemUTC(), () -> UUID.randomUUID().toString());
    }

    AliDnsProvider(AliDnsProviderConfig config, OkHttpClient http, HttpUrl api, Clock clock, Supplier<String> nonce) {
        this.config = config;
        this.http = http;
        this.api = api;
        this.clock = clock;
        this.nonce = nonce;
    }

    @Override
    public ProviderConfig config() {
        return config;
    }

    @Override
    public Map<String, UpdateOutcome> update(List<String> hostnames, InetAddress address) {
        String type = address instanceof Inet6Address ? "AAAA" : "A";
        String ip = address.getHostAddress();
        return ProviderCallFailed.eachHost(hostnames, host -> {
            JsonNode found = call(Map.of("Action", "DescribeSubDomainRecords", "SubDomain", host, "Type", type));
            JsonNode records = found.path("DomainRecords").path("Record");
            if (!records.isArray()) {
                throw new ProviderCallFailed(UpdateOutcome.retry("unexpected answer to DescribeSubDomainRecords (no"
                        + " DomainRecords.Record list)"), false);
            }
            if (records.isEmpty()) {
                return UpdateOutcome.fatal("no " + type + " record " + host + " in this account (create it in the"
                        + " AliDNS console first)");
            }
            JsonNode record = records.get(0);
            String recordId = record.path("RecordId").isValueNode() ? record.path("RecordId").asText() : "";
            String rr = record.path("RR").isValueNode() ? record.path("RR").asText() : "";
            if (recordId.isEmpty() || rr.isEmpty()) {
                throw new ProviderCallFailed(UpdateOutcome.retry("unexpected answer to DescribeSubDomainRecords (a"
                        + " record without RecordId or RR)"), false);
            }
            if (ip.equals(record.path("Value").asText())) return UpdateOutcome.success("already " + ip);
            call(Map.of("Action", "UpdateDomainRecord", "RecordId", recordId, "RR", rr, "Type", type, "Value", ip));
            return UpdateOutcome.success("updated " + type + " " + ip);
        });
    }

    /** DescribeSubDomainRecords (read-only) for the first hostname: an answer means the key is accepted. */
    @Override
    public Optional<UpdateOutcome> verifyCredentials() {
        try {
            call(Map.of("Action", "DescribeSubDomainRecords", "SubDomain", hostnames().get(0), "Type", "A"));
            return Optional.of(UpdateOutcome.success("AccessKey accepted (DescribeSubDomainRecords answered)"));
        } catch (ProviderCallFailed f) {
            return Optional.of(f.outcome());
        }
    }

    private JsonNode call(Map<String, String> action) throws ProviderCallFailed {
        HttpUrl url = signedUrl(action);
        String secret = config.accessKeySecret().reveal();
        try (Response response = http.newCall(new Request.Builder().url(url).get().build()).execute()) {
            if (response.code() >= 300 && response.code() <= 399) {
                // the endpoint itself redirects: every call would, so the other hostnames are not tried either
                throw new ProviderCallFailed(HttpAnswers.redirect(response, secret), true);
            }
            String text = HttpAnswers.body(response);
            JsonNode json;
            try {
                json = MAPPER.readTree(text);
            } catch (IOException e) {
                json = null;
            }
            if (json == null || !json.isObject()) {
                throw new ProviderCallFailed(UpdateOutcome.retry(("HTTP " + response.code() + " not a JSON object: "
                        + ProviderText.shown(text, secret)).trim()), false);
            }
            String code = json.path("Code").isValueNode() ? json.path("Code").asText() : "";
            String message = json.path("Message").isValueNode() ? json.path("Message").asText() : "";
            String detail = code.isEmpty() ? "" : ProviderText.shown(code + " " + message, secret);
            if (code.startsWith("Throttling") || code.equals("ServiceUnavailable") || code.startsWith("InternalError")) {
                throw new ProviderCallFailed(UpdateOutcome.retry(detail), false);
            }
            Optional<UpdateOutcome> byStatus = HttpAnswers.byStatus(response, detail, secret);
            if (byStatus.isPresent()) {
                throw new ProviderCallFailed(byStatus.get(), byStatus.get().kind() == UpdateOutcome.Kind.FATAL);
            }
            if (response.code() != 200 || !code.isEmpty()) {
                boolean account = code.startsWith("InvalidAccessKeyId") || code.startsWith("SignatureDoesNotMatch")
                        || code.startsWith("Forbidden");
                throw new ProviderCallFailed(UpdateOutcome.fatal(("HTTP " + response.code() + " " + detail).trim()),
                        account);
            }
            return json;
        } catch (IOException e) {
            throw new ProviderCallFailed(HttpAnswers.failure(e, api.host(), secret), false);
        }
    }

    /** The request URL with the common parameters and the Signature. */
    HttpUrl signedUrl(Map<String, String> action) {
        TreeMap<String, String> params = new TreeMap<>(action);
        params.put("Format", "JSON");
        params.put("Version", "2015-01-09");
        params.put("AccessKeyId", config.accessKeyId());
        params.put("SignatureMethod", "HMAC-SHA1");
        params.put("SignatureVersion", "1.0");
        params.put("SignatureNonce", nonce.get());
        params.put("Timestamp", Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString());
        String query = canonicalQuery(params);
        return HttpUrl.get(api + "?" + query + "&Signature=" + percent(sign(params, config.accessKeySecret().reveal())));
    }

    static String canonicalQuery(TreeMap<String, String> params) {
        StringBuilder query = new StringBuilder();
        for (Map.Entry<String, String> p : params.entrySet()) {
            if (query.length() > 0) query.append('&');
            query.append(percent(p.getKey())).append('=').append(percent(p.getValue()));
        }
        return query.toString();
    }

    /** Signature (v1.0, HMAC-SHA1) of a GET with {@code params}, keyed with the AccessKey secret plus "&". */
    static String sign(TreeMap<String, String> params, String accessKeySecret) {
        String stringToSign = "GET&" + percent("/") + "&" + percent(canonicalQuery(params));
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec((accessKeySecret + "&").getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(stringToSign.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is part of every JDK", e);
        }
    }

    /** RFC 3986 percent-encoding as Alibaba Cloud specifies it (space %20, * %2A, ~ kept). */
    static String percent(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20").replace("*", "%2A").replace("%7E", "~");
    }
}
