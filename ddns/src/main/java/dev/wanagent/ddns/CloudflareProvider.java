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

/**
 * Cloudflare API v4 with an API token: finds the zone by name and each record by name and type, and PATCHes only
 * its content, so {@code proxied} and TTL stay as they are. A missing record is created when {@code create: true}.
 */
public final class CloudflareProvider implements DnsProvider {
    static final HttpUrl API = HttpUrl.get("https://api.cloudflare.com/client/v4/");
    private static final MediaType JSON = MediaType.get("application/json");
    private static final ObjectMapper MAPPER = new ObjectMapper();

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
            JsonNode records = call(new Request.Builder().url(api.newBuilder().addPathSegments("zones")
                    .addPathSegment(zone).addPathSegment("dns_records").addQueryParameter("type", type)
                    .addQueryParameter("name", host).build()).get()).path("result");
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
            if (ip.equals(record.path("content").asText())) return UpdateOutcome.success("already " + ip);
            String body = MAPPER.createObjectNode().put("content", ip).toString();
            call(new Request.Builder().url(api.newBuilder().addPathSegments("zones").addPathSegment(zone)
                    .addPathSegment("dns_records").addPathSegment(record.path("id").asText()).build())
                    .patch(RequestBody.create(body, JSON)));
            return UpdateOutcome.success("updated " + type + " " + ip);
        });
    }

    private String zoneId() throws ProviderCallFailed {
        if (zoneId == null) {
            JsonNode zones = call(new Request.Builder().url(api.newBuilder().addPathSegment("zones")
                    .addQueryParameter("name", config.zone()).build()).get()).path("result");
            if (zones.isEmpty()) {
                throw new ProviderCallFailed(UpdateOutcome.fatal("zone " + config.zone() + " not found (or the token may not"
                        + " read it: it needs Zone.Zone read and Zone.DNS edit)"), true);
            }
            zoneId = zones.get(0).path("id").asText();
        }
        return zoneId;
    }

    /** One API call; a non-success answer becomes {@link ProviderCallFailed} with its class. */
    private JsonNode call(Request.Builder request) throws ProviderCallFailed {
        Request r = request.header("Authorization", "Bearer " + config.apiToken().reveal()).build();
        try (Response response = http.newCall(r).execute()) {
            String text = HttpAnswers.body(response);
            JsonNode json;
            try {
                json = MAPPER.readTree(text);
            } catch (IOException e) {
                json = null;
            }
            String errors = json == null ? HttpAnswers.printable(text, config.apiToken().reveal()) : errors(json);
            Optional<UpdateOutcome> byStatus = HttpAnswers.byStatus(response, errors);
            if (byStatus.isPresent()) throw new ProviderCallFailed(byStatus.get(), true);
            if (json == null || !json.path("success").asBoolean(false)) {
                throw new ProviderCallFailed(UpdateOutcome.fatal("HTTP " + response.code() + " " + errors), true);
            }
            return json;
        } catch (IOException e) {
            throw new ProviderCallFailed(HttpAnswers.failure(e, api.host()), true);
        }
    }

    private String errors(JsonNode json) {
        StringBuilder b = new StringBuilder();
        for (JsonNode e : json.path("errors")) {
            if (b.length() > 0) b.append("; ");
            b.append(e.path("code").asText()).append(' ').append(e.path("message").asText());
        }
        return HttpAnswers.printable(b.toString(), config.apiToken().reveal());
    }
}
