package dev.wanagent.ddns;

import dev.wanagent.config.ProviderConfig;
import dev.wanagent.config.Secret;
import dev.wanagent.config.WebhookProviderConfig;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * For everything else: one HTTP request per hostname from templates ({@code {ip}}, {@code {ip6}},
 * {@code {hostname}}; URL-encoded in the URL). Success: a 2xx answer whose body matches {@code successPattern}
 * when one is given. The URL and headers are secrets: never logged.
 */
public final class WebhookProvider implements DnsProvider {
    private final WebhookProviderConfig config;
    private final OkHttpClient http;

    public WebhookProvider(WebhookProviderConfig config, OkHttpClient http) {
        this.config = config;
        this.http = http;
    }

    @Override
    public ProviderConfig config() {
        return config;
    }

    static String fill(String template, String hostname, InetAddress address, boolean urlEncode) {
        String ip = address instanceof Inet6Address ? "" : address.getHostAddress();
        String ip6 = address instanceof Inet6Address ? address.getHostAddress() : "";
        return template.replace("{ip}", encode(ip, urlEncode)).replace("{ip6}", encode(ip6, urlEncode))
                .replace("{hostname}", encode(hostname, urlEncode));
    }

    private static String encode(String s, boolean urlEncode) {
        return urlEncode ? java.net.URLEncoder.encode(s, StandardCharsets.UTF_8) : s;
    }

    @Override
    public Map<String, UpdateOutcome> update(List<String> hostnames, InetAddress address) {
        Map<String, UpdateOutcome> out = new LinkedHashMap<>();
        for (String host : hostnames) out.put(host, updateOne(host, address));
        return out;
    }

    private UpdateOutcome updateOne(String host, InetAddress address) {
        HttpUrl url = HttpUrl.parse(fill(config.url().reveal(), host, address, true));
        if (url == null) return UpdateOutcome.fatal("the url template does not give a valid URL");
        Request.Builder request = new Request.Builder().url(url);
        for (Map.Entry<String, Secret> h : config.headers().entrySet()) {
            request.header(h.getKey(), fill(h.getValue().reveal(), host, address, false));
        }
        RequestBody body = config.body().map(b -> RequestBody.create(fill(b, host, address, false)
                .getBytes(StandardCharsets.UTF_8), MediaType.parse(contentType()))).orElse(null);
        if (body == null && !config.method().equals("GET")) body = RequestBody.create(new byte[0], null);
        request.method(config.method(), config.method().equals("GET") ? null : body);
        try (Response response = http.newCall(request.build()).execute()) {
            String text = HttpAnswers.body(response);
            String shown = redact(text);
            Optional<UpdateOutcome> byStatus = HttpAnswers.byStatus(response, shown);
            if (byStatus.isPresent()) return byStatus.get();
            if (response.code() < 200 || response.code() > 299) {
                return UpdateOutcome.fatal("HTTP " + response.code() + " " + shown);
            }
            if (config.successPattern().isPresent() && !config.successPattern().get().matcher(text).find()) {
                return UpdateOutcome.retry("HTTP " + response.code() + " but the answer does not match successPattern: "
                        + shown);
            }
            return UpdateOutcome.success("HTTP " + response.code() + (shown.isEmpty() ? "" : " " + shown));
        } catch (IOException e) {
            UpdateOutcome failed = HttpAnswers.failure(e, config.host());
            return new UpdateOutcome(failed.kind(), redact(failed.detail()), failed.retryAfter());
        }
    }

    private String contentType() {
        for (Map.Entry<String, Secret> h : config.headers().entrySet()) {
            if (h.getKey().equalsIgnoreCase("Content-Type")) return h.getValue().reveal();
        }
        return "application/json";
    }

    /** An answer may echo the request: keep the URL's and headers' secrets out of it. */
    private String redact(String text) {
        String t = text;
        for (Secret s : config.headers().values()) {
            if (s.reveal().length() >= 4) t = t.replace(s.reveal(), "****");
        }
        HttpUrl template = HttpUrl.parse(config.url().reveal().replace("{", "").replace("}", ""));
        if (template != null) {
            for (int i = 0; i < template.querySize(); i++) {
                String v = template.queryParameterValue(i);
                if (v != null && v.length() >= 8) t = t.replace(v, "****");
            }
        }
        return HttpAnswers.printable(t, null);
    }
}
