package dev.wanagent.ddns;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wanagent.config.ProviderConfig;
import dev.wanagent.config.DnsPodProviderConfig;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * DNSPod through Tencent Cloud API 3.0 (version 2021-03-23), signed with TC3-HMAC-SHA256 as Tencent Cloud's
 * "Signature v3" documentation describes: DescribeRecordList finds the record, ModifyRecord sets its value on the
 * same line. The record must exist.
 */
public final class DnsPodProvider implements DnsProvider {
    static final HttpUrl API = HttpUrl.get("https://dnspod.tencentcloudapi.com/");
    static final String HOST = "dnspod.tencentcloudapi.com";
    private static final String VERSION = "2021-03-23";
    private static final String CONTENT_TYPE = "application/json; charset=utf-8";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final DnsPodProviderConfig config;
    private final OkHttpClient http;
    private final HttpUrl api;
    private final Clock clock;

    public DnsPodProvider(DnsPodProviderConfig config, OkHttpClient http) {
        this(config, http, API, Clock.systemUTC());
    }

    DnsPodProvider(DnsPodProviderConfig config, OkHttpClient http, HttpUrl api, Clock clock) {
        this.config = config;
        this.http = http;
        this.api = api;
        this.clock = clock;
    }

    @Override
    public ProviderConfig config() {
        return config;
    }

    /** home.example.com in example.com → "home"; the zone apex → "@". */
    String subdomain(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        String zone = config.domain().toLowerCase(Locale.ROOT);
        return h.equals(zone) ? "@" : h.substring(0, h.length() - zone.length() - 1);
    }

    @Override
    public Map<String, UpdateOutcome> update(List<String> hostnames, InetAddress address) {
        String type = address instanceof Inet6Address ? "AAAA" : "A";
        String ip = address.getHostAddress();
        String zone = config.domain().toLowerCase(Locale.ROOT);
        return ProviderCallFailed.eachHost(hostnames, host -> {
            String h = host.toLowerCase(Locale.ROOT);
            if (!h.equals(zone) && !h.endsWith("." + zone)) {
                return UpdateOutcome.fatal(host + " is not in domain " + config.domain());
            }
            String sub = subdomain(host);
            ObjectNode find = MAPPER.createObjectNode().put("Domain", config.domain()).put("Subdomain", sub)
                    .put("RecordType", type);
            JsonNode list = call("DescribeRecordList", find);
            if (list == null) return UpdateOutcome.fatal("no " + type + " record " + host + " (create it in DNSPod first)");
            JsonNode records = list.path("RecordList");
            if (!records.isArray()) {
                throw new ProviderCallFailed(UpdateOutcome.retry("unexpected answer to DescribeRecordList (no"
                        + " RecordList)"), false);
            }
            if (records.isEmpty()) {
                return UpdateOutcome.fatal("no " + type + " record " + host + " (create it in DNSPod first)");
            }
            JsonNode record = records.get(0);
            if (!record.path("RecordId").isIntegralNumber() || !record.path("RecordId").canConvertToLong()) {
                throw new ProviderCallFailed(UpdateOutcome.retry("unexpected answer to DescribeRecordList (a record"
                        + " without a numeric RecordId)"), false);
            }
            if (ip.equals(record.path("Value").asText())) return UpdateOutcome.success("already " + ip);
            String line = record.path("Line").isTextual() ? record.path("Line").asText() : "默认";
            ObjectNode modify = MAPPER.createObjectNode().put("Domain", config.domain()).put("SubDomain", sub)
                    .put("RecordType", type).put("RecordLine", line)
                    .put("Value", ip).put("RecordId", record.path("RecordId").asLong());
            call("ModifyRecord", modify);
            return UpdateOutcome.success("updated " + type + " " + ip);
        });
    }

    /** DescribeRecordList (read-only) for the domain: an answer (even "no such record") means the key is accepted. */
    @Override
    public Optional<UpdateOutcome> verifyCredentials() {
        try {
            call("DescribeRecordList", MAPPER.createObjectNode().put("Domain", config.domain()).put("Limit", 1));
            return Optional.of(UpdateOutcome.success("SecretId accepted (DescribeRecordList answered)"));
        } catch (ProviderCallFailed f) {
            return Optional.of(f.outcome());
        }
    }

    /** Calls {@code action}; returns the Response object, or null for "no such record". */
    private JsonNode call(String action, ObjectNode payload) throws ProviderCallFailed {
        String body = payload.toString();
        long timestamp = clock.instant().getEpochSecond();
        String secret = config.secretKey().reveal();
        Request request = new Request.Builder().url(api)
                .header("Authorization", authorization(body, timestamp))
                .header("X-TC-Action", action)
                .header("X-TC-Version", VERSION)
                .header("X-TC-Timestamp", Long.toString(timestamp))
                .post(RequestBody.create(body.getBytes(StandardCharsets.UTF_8), MediaType.get(CONTENT_TYPE)))
                .build();
        try (Response response = http.newCall(request).execute()) {
            String text = HttpAnswers.body(response);
            Optional<UpdateOutcome> byStatus = HttpAnswers.byStatus(response, "", secret);
            if (byStatus.isPresent()) throw new ProviderCallFailed(byStatus.get(), true);
            JsonNode json;
            try {
                json = MAPPER.readTree(text).path("Response");
            } catch (IOException e) {
                throw new ProviderCallFailed(UpdateOutcome.retry("HTTP " + response.code() + " not JSON: "
                        + ProviderText.shown(text, secret)), false);
            }
            if (!json.isObject()) {
                // every API 3.0 answer is {"Response": {...}}; anything else is not Tencent Cloud's (a proxy, a portal)
                throw new ProviderCallFailed(UpdateOutcome.retry(("HTTP " + response.code() + " unexpected answer: "
                        + ProviderText.shown(text, secret)).trim()), false);
            }
            JsonNode error = json.path("Error");
            if (error.isMissingNode()) return json;
            String code = error.path("Code").isValueNode() ? error.path("Code").asText() : "";
            String message = error.path("Message").isValueNode() ? error.path("Message").asText() : "";
            String detail = ProviderText.shown((code.isBlank() ? "error" : code) + " " + message, secret).trim();
            if (code.equals("ResourceNotFound.NoDataOfRecord")) return null;
            if (code.startsWith("AuthFailure")) throw new ProviderCallFailed(UpdateOutcome.fatal(detail), true);
            if (code.startsWith("RequestLimitExceeded") || code.startsWith("InternalError")
                    || code.startsWith("ResourceUnavailable")) {
                throw new ProviderCallFailed(UpdateOutcome.retry(detail), false);
            }
            throw new ProviderCallFailed(UpdateOutcome.fatal(detail), false);
        } catch (IOException e) {
            throw new ProviderCallFailed(HttpAnswers.failure(e, api.host(), secret), false);
        }
    }

    /** The TC3-HMAC-SHA256 Authorization header for a POST of {@code body} at {@code timestamp}. */
    String authorization(String body, long timestamp) {
        return tc3Authorization(config.secretId(), config.secretKey().reveal(), "dnspod", HOST, body, timestamp);
    }

    /**
     * Tencent Cloud API 3.0 signature (TC3-HMAC-SHA256) of a JSON POST to {@code host}, with content-type and host as
     * the signed headers.
     */
    static String tc3Authorization(String secretId, String secretKey, String service, String host, String body,
                                   long timestamp) {
        String date = java.time.Instant.ofEpochSecond(timestamp).atZone(ZoneOffset.UTC).toLocalDate().toString();
        String canonicalRequest = "POST\n/\n\ncontent-type:" + CONTENT_TYPE + "\nhost:" + host + "\n\ncontent-type;host\n"
                + sha256Hex(body);
        String scope = date + "/" + service + "/tc3_request";
        String stringToSign = "TC3-HMAC-SHA256\n" + timestamp + "\n" + scope + "\n" + sha256Hex(canonicalRequest);
        byte[] key = hmac(("TC3" + secretKey).getBytes(StandardCharsets.UTF_8), date);
        key = hmac(key, service);
        key = hmac(key, "tc3_request");
        String signature = HexFormat.of().formatHex(hmac(key, stringToSign));
        return "TC3-HMAC-SHA256 Credential=" + secretId + "/" + scope + ", SignedHeaders=content-type;host, Signature="
                + signature;
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    private static String sha256Hex(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
