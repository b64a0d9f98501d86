package dev.wanagent.ddns;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wanagent.config.ProviderConfig;
import dev.wanagent.config.CloudflareProviderConfig;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Cloudflare API v4 with an API token: finds the zone by name and each record by name and type, and PATCHes only
 * its content, so {@code proxied} and TTL stay as they are. A missing record is created when {@code create: true}.
 */
public final class CloudflareProvider implements DnsProvider {
    static final HttpUrl API = HttpUrl.get("https://api.cloudflare.com/client/v4/");
    private static final MediaType JSON = MediaType.get("application/json");
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Pattern ID = Pattern.compile("[0-9A-Za-z]{1,64}");

    private final CloudflareProviderConfig config;
    private final OkHttpClient http;
    private final HttpUrl api;
    private String zoneId;

    public CloudflareProvider(CloudflareProviderConfig config, OkHttpClient http) {
        this(config, http, API);
    }

    CloudflareProvider(CloudflareProviderConfig config, OkHttpClient http, HttpUrl api) {
        this.config = config;
        this.http = http;
        this.api = api;
    }

    @Override
    public ProviderConfig config() {
        return config;
    }

    @Override
    public Map<String, UpdateOutcome> update(List<String> hostnames, InetAddress address) {
        String type = address instanceof Inet6Address ? "AAAA" : "A";
        String ip = address.getHostAddress();
        String zone;
        try {
            zone = zoneId();
        } catch (ProviderCallFailed f) {
            return f.outcome().forAll(hostnames);
        }
        return ProviderCallFailed.eachHost(hostnames, host -> {
            JsonNode records = list(call(new Request.Builder().url(api.newBuilder().addPathSegments("zones")
                    .addPathSegment(zone).addPathSegment("dns_records").addQueryParameter("type", type)
                    .addQueryParameter("name", host).build()).get()), "List DNS Records");
            if (records.isEmpty()) {
                if (!config.create()) {
                    return UpdateOutcome.fatal("no " + type + " record " + host + " in zone " + config.zone()
                            + " (create it, or set create: true)");
                }
                ObjectNode body = MAPPER.createObjectNode().put("type", type).put("name", host).put("content", ip)
                        .put("ttl", config.ttl()).put("proxied", config.proxied());
                call(new Request.Builder().url(api.newBuilder().addPathSegments("zones").addPathSegment(zone)
                        .addPathSegment("dns_records").build()).post(RequestBody.create(body.toString(), JSON)));
                return UpdateOutcome.success("created " + type + " " + ip);
            }
            JsonNode record = records.get(0);
            String recordId = id(record, "List DNS Records");
            if (ip.equals(record.path("content").asText())) return UpdateOutcome.success("already " + ip);
            String body = MAPPER.createObjectNode().put("content", ip).toString();
            call(new Request.Builder().url(api.newBuilder().addPathSegments("zones").addPathSegment(zone)
                    .addPathSegment("dns_records").addPathSegment(recordId).build())
                    .patch(RequestBody.create(body, JSON)));
            return UpdateOutcome.success("updated " + type + " " + ip);
        });
    }

    /** List Zones (read-only): the token is accepted when it can read the configured zone. */
    @Override
    public Optional<UpdateOutcome> verifyCredentials() {
        try {
            zoneId();
            return Optional.of(UpdateOutcome.success("token accepted (List Zones found " + config.zone() + ")"));
        } catch (ProviderCallFailed f) {
            return Optional.of(f.outcome());
        }
    }

    private String zoneId() throws ProviderCallFailed {
        if (zoneId == null) {
            JsonNode zones = list(call(new Request.Builder().url(api.newBuilder().addPathSegment("zones")
                    .addQueryParameter("name", config.zone()).build()).get()), "List Zones");
            if (zones.isEmpty()) {
                throw new ProviderCallFailed(UpdateOutcome.fatal("zone " + config.zone() + " not found (or the token may not"
                        + " read it: it needs Zone.Zone read and Zone.DNS edit)"), true);
            }
            zoneId = id(zones.get(0), "List Zones");
        }
        return zoneId;
    }

    /** The {@code result} list of a successful answer; anything else is an answer we do not understand. */
    private static JsonNode list(JsonNode answer, String what) throws ProviderCallFailed {
        JsonNode result = answer.path("result");
        if (!result.isArray()) {
            throw new ProviderCallFailed(UpdateOutcome.retry("unexpected answer to " + what + " (no result list)"), true);
        }
        return result;
    }

    /**
     * The id of a zone or record (Cloudflare's are 32 hex digits): letters and digits only, so nothing else (missing,
     * not text, "..") is ever put into a request path.
     */
    private static String id(JsonNode item, String what) throws ProviderCallFailed {
        JsonNode id = item.path("id");
        if (!id.isTextual() || !ID.matcher(id.asText()).matches()) {
            throw new ProviderCallFailed(UpdateOutcome.retry("unexpected answer to " + what + " (no usable id)"), true);
        }
        return id.asText();
    }

    /** One API call; a non-success answer becomes {@link ProviderCallFailed} with its class. */
    private JsonNode call(Request.Builder request) throws ProviderCallFailed {
        String token = config.apiToken().reveal();
        Request r = request.header("Authorization", "Bearer " + token).build();
        try (Response response = http.newCall(r).execute()) {
            String text = HttpAnswers.body(response);
            JsonNode json;
            try {
                json = MAPPER.readTree(text);
            } catch (IOException e) {
                json = null;
            }
            boolean understood = json != null && json.path("success").isBoolean();
            String errors = understood ? errors(json) : ProviderText.shown(text, token);
            Optional<UpdateOutcome> byStatus = HttpAnswers.byStatus(response, errors, token);
            if (byStatus.isPresent()) throw new ProviderCallFailed(byStatus.get(), true);
            if (!understood) {
                // not an API answer (a proxy's or captive portal's page): try again later rather than stop the record
                throw new ProviderCallFailed(UpdateOutcome.retry(("HTTP " + response.code() + " unexpected answer: "
                        + errors).trim()), true);
            }
            if (!json.path("success").asBoolean()) {
                throw new ProviderCallFailed(UpdateOutcome.fatal(("HTTP " + response.code() + " " + errors).trim()), true);
            }
            return json;
        } catch (IOException e) {
            throw new ProviderCallFailed(HttpAnswers.failure(e, api.host(), token), true);
        }
    }

    private String errors(JsonNode json) {
        StringBuilder b = new StringBuilder();
        for (JsonNode e : json.path("errors")) {
            if (b.length() > 0) b.append("; ");
            b.append(e.path("code").asText()).append(' ').append(e.path("message").asText());
            if (b.length() > ProviderText.MAX_CHARS) break;
        }
        return ProviderText.shown(b.toString(), config.apiToken().reveal());
    }
}
